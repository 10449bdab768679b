"""Need-to-know: the sensitive groups are invisible to every account until a district admin grants it
(audited), and then only in the account's own places and only through the reveal, which is audited.
A grid worker of another grid, a resident and a unit liaison never see a care-group member."""

from __future__ import annotations

import pytest

from gongzhi.audit.models import AuditEvent
from gongzhi.care import selectors
from gongzhi.care.models import CareGrant, CareMembership
from gongzhi.care.services import care_grant, care_grant_revoke, sensitive_reveal
from gongzhi.care.tests.factories import days_ago, enter
from gongzhi.core.errors import Forbidden, NotFound

pytestmark = pytest.mark.django_db


def _grant(d, who):
    return care_grant(
        actor=d.user("district_admin"),
        user_id=d.user(who).pk,
        district_code="370115",
        reason="社区矫正工作需要",
    )


def test_sensitive_groups_need_a_grant_to_enter_and_to_see(district):
    d = district
    p = d.persons["g1"][0]
    with pytest.raises(NotFound):  # without a grant the group does not exist for the account
        enter(d, p, "community_correction")
    assert CareMembership.objects.count() == 0
    with pytest.raises(Forbidden):  # only a district admin grants
        care_grant(
            actor=d.user("community_secretary"),
            user_id=d.user("grid_worker").pk,
            district_code="370115",
            reason="x",
        )
    assert CareGrant.objects.count() == 0
    with pytest.raises(Forbidden) as own:  # nobody grants themself
        _grant(d, "district_admin")
    assert own.value.code == "own_work" and CareGrant.objects.count() == 0
    grant = _grant(d, "grid_worker")
    assert (
        AuditEvent.objects.filter(
            event_type="care.grant_given", target_id=str(d.user("grid_worker").pk)
        ).count()
        == 1
    )
    m = enter(d, p, "community_correction", on=days_ago(3))
    assert m.sensitive and m.frequency == "biweekly"
    # never in the ordinary lists, not even for the granted account
    for who in ("grid_worker", "community_worker", "district_admin"):
        actor = d.user(who)
        assert not selectors.membership_list_for_actor(actor=actor).filter(pk=m.pk).exists()
        assert selectors.overdue_counts_for_actor(actor=actor).total == 0
    # the reveal: granted and in scope, with a reason, audited with the persons shown
    before = AuditEvent.objects.filter(event_type="care.sensitive_revealed").count()
    rows = sensitive_reveal(actor=d.user("grid_worker"), reason="月度研判")
    assert [r.pk for r in rows] == [m.pk]
    event = AuditEvent.objects.filter(event_type="care.sensitive_revealed").latest("id")
    assert AuditEvent.objects.filter(event_type="care.sensitive_revealed").count() == before + 1
    assert event.data["persons"] == [p.pk] and event.data["reason"] == "月度研判"
    # an ungranted account of the same place: refused, and nothing audited as shown
    with pytest.raises(Forbidden):
        sensitive_reveal(actor=d.user("community_worker"), reason="看看")
    # a granted account of another grid sees no g1 member
    _grant(d, "grid_worker_g2")
    assert sensitive_reveal(actor=d.user("grid_worker_g2"), reason="研判") == []
    care_grant_revoke(actor=d.user("district_admin"), grant_id=grant.pk)
    with pytest.raises(Forbidden):
        sensitive_reveal(actor=d.user("grid_worker"), reason="再看")
    with pytest.raises(NotFound):
        selectors.membership_get_for_actor(actor=d.user("grid_worker"), membership_id=m.pk)


@pytest.mark.parametrize(
    "who", ["grid_worker_g2", "resident", "unit_liaison", "party_member", "department_handler"]
)
def test_outsiders_never_see_a_care_group_member(district, client, who):
    d = district
    p = d.persons["g1"][0]  # the resident's own household: still not theirs to see as a care record
    m = enter(d, p, on=days_ago(60))
    actor = d.user(who)
    assert not selectors.membership_list_for_actor(actor=actor).exists()
    assert selectors.overdue_list_for_actor(actor=actor) == []
    assert selectors.grid_figures_for_actor(actor=actor) == []
    with pytest.raises(NotFound):
        selectors.membership_get_for_actor(actor=actor, membership_id=m.pk)
    client.force_login(actor)
    for url in (
        "/console/care/",
        "/console/care/overdue/",
        f"/console/care/persons/{p.pk}/",
        "/api/v1/care/overdue",
    ):
        r = client.get(url)
        own_lists = who == "grid_worker_g2" and "persons" not in url  # their own grid's (empty) lists
        assert r.status_code in ((200,) if own_lists else (302, 404)), (url, r.status_code)
        assert p.name not in r.content.decode()
