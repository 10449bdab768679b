"""The demo's care groups: rosters from the register's tags, a year of visits, follow-ups that became
needs and tickets, the 慰问花名册, the need-to-know members hidden from the lists; all through the services."""

from gongzhi.audit.models import AuditEvent
from gongzhi.care.models import CareMembership, CareVisit, Visit
from gongzhi.people.models import Person


def test_demo_care_rosters_come_from_the_tags_and_visits_follow(demo, client):
    care = client.get("/api/v1/overview").json()["care"]
    assert care["people_in_care_groups"] > 0 and care["visits_this_month"] > 0
    assert 0 < care["visits_overdue"] < CareMembership.objects.filter(status="active").count()
    tagged = Person.objects.filter(pk__in=CareMembership.objects.filter(group="disabled").values("person_id"))
    assert tagged.exists() and all("disabled" in p.tags for p in tagged)
    assert (
        Visit.objects.filter(need__isnull=False).exists()
        and Visit.objects.filter(ticket__isnull=False).exists()
    )
    assert CareVisit.objects.filter(occasion="spring_festival").exists()
    assert CareMembership.objects.filter(sensitive=True).exists()
    assert AuditEvent.objects.filter(event_type="care.visits_imported").exists()
    assert CareMembership.objects.filter(status="exited").exclude(exit_reason="").exists()
