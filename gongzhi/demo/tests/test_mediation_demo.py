"""The demo's year of people's mediation, through the services: committees and rooms in every community,
卜哥调解室 with 17 cases all ending in agreements, transfers, a report-up, screenings, analyses and warnings
computed from the demo tickets."""

from gongzhi.audit.models import AuditEvent
from gongzhi.mediation.enums import CaseStatus, Outcome, WarningKind
from gongzhi.mediation.models import Analysis, Case, Committee, DisputeWarning, Room, Screening
from gongzhi.places.models import Community


def test_demo_mediation(demo, client):
    communities = Community.objects.count()
    assert Committee.objects.filter(level="community").count() == communities
    assert Room.objects.count() == communities
    buge = Room.objects.get(name="卜哥调解室")
    outcomes = list(Case.objects.filter(room=buge).values_list("outcome", flat=True))
    assert len(outcomes) == 17 and set(outcomes) == {Outcome.AGREEMENT}
    assert Case.objects.filter(outcome=Outcome.TRANSFER).count() >= 1
    assert Case.objects.filter(status=CaseStatus.REPORTED).count() == 1
    assert Case.objects.filter(status=CaseStatus.BROKEN).exists()
    assert Screening.objects.exists() and Analysis.objects.exists()
    kinds = set(DisputeWarning.objects.values_list("kind", flat=True))
    assert {WarningKind.REPEAT, WarningKind.GROUP, WarningKind.AGREEMENT_BROKEN} <= kinds
    assert (
        AuditEvent.objects.filter(event_type="mediation.agreement_made").count()
        == Case.objects.exclude(agreement_seq=None).count()
    )
    body = client.get("/api/v1/overview").json()["mediation"]
    assert body["rooms"] == communities and body["cases_this_year"] == Case.objects.filter(year=2026).count()
