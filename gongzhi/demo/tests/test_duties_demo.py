"""The demo district shows the rule it runs under: nobody in it decided on their own work (core.duties)."""

from django.db.models import Exists, F, OuterRef, Q

from gongzhi.party.enums import RecordStatus, RegistrationStatus
from gongzhi.party.models import MemberRegistration, ServiceRecord
from gongzhi.tickets.enums import Move
from gongzhi.tickets.models import ExtensionRequest, TicketEvent
from gongzhi.volunteers.enums import HoursStatus
from gongzhi.volunteers.models import ServiceHours


def test_nobody_in_the_demo_checked_their_own_work(demo):
    handled_it = TicketEvent.objects.filter(
        ticket=OuterRef("ticket"), move=Move.HANDLE, actor=OuterRef("actor")
    )
    checks = TicketEvent.objects.filter(move__in=[Move.VERIFY, Move.CALLBACK], actor__isnull=False)
    assert (
        checks.filter(move=Move.VERIFY).count() > 50
    )  # the demo verifies plenty (115 tickets at scale 0.01)
    assert not checks.filter(Exists(handled_it)).exists()
    assert not checks.filter(Q(actor=F("ticket__handler")) | Q(move=Move.VERIFY, actor=F("ticket__reporter")))
    decided = ExtensionRequest.objects.exclude(decided_by=None)
    assert decided.exists() and not decided.filter(decided_by=F("requested_by")).exists()

    confirmed = ServiceHours.objects.filter(status=HoursStatus.CONFIRMED).exclude(confirmed_by=None)
    assert confirmed.exists()
    assert not confirmed.filter(
        Q(confirmed_by=F("volunteer__user"))
        | Q(confirmed_by=F("volunteer__person__user"))
        | Q(confirmed_by=F("volunteer__party_member__user"))
    ).exists()
    records = ServiceRecord.objects.filter(status=RecordStatus.CONFIRMED).exclude(confirmed_by=None)
    assert records.exists()
    assert not records.filter(
        Q(confirmed_by=F("member__user")) | Q(confirmed_by=F("member__person__user"))
    ).exists()
    accepted = MemberRegistration.objects.filter(status=RegistrationStatus.ACCEPTED).exclude(decided_by=None)
    assert not accepted.filter(decided_by=F("member__user")).exists()
