"""The warning rules on constructed ticket histories: 3 complaints from one building within 30 days is a
warning, 2 is none; 10 households on one problem is a group warning; a reopened or dissatisfied
neighbour dispute, a broken agreement; thresholds as data; hand over and close."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.core.errors import NotFound, ValidationFailed
from gongzhi.mediation import selectors
from gongzhi.mediation.enums import WarningKind, WarningStatus
from gongzhi.mediation.models import DisputeWarning
from gongzhi.mediation.services.outcomes import case_agree, case_follow_up
from gongzhi.mediation.services.registers import week_of
from gongzhi.mediation.services.warnings import (
    warning_close,
    warning_hand_over,
    warning_rule_save,
    warnings_run,
)
from gongzhi.mediation.tests.factories import make_org, mediating_case
from gongzhi.places.services import household_create
from gongzhi.tickets.models import Ticket
from gongzhi.tickets.tests.helpers import report

pytestmark = pytest.mark.django_db
MONDAY = week_of(timezone.localdate())


def _ticket(district, household, *, days_ago: int, code: str = "301015", **extra) -> Ticket:
    """A report of the household ``days_ago`` days before this week's Monday (a constructed history)."""
    t = report(district, None, "楼道漏水又来了", category_code=code, grid_code=household.grid_code)
    at = dt.datetime.combine(MONDAY, dt.time(10), tzinfo=timezone.get_current_timezone()) - dt.timedelta(
        days=days_ago
    )
    Ticket.objects.filter(pk=t.pk).update(household=household, created_at=at, **extra)
    t.refresh_from_db()
    return t


def _kinds(district_code: str) -> list[str]:
    return sorted(DisputeWarning.objects.filter(district_code=district_code).values_list("kind", flat=True))


def test_three_complaints_from_one_building_in_30_days_warn_two_do_not(district):
    code = district.district.code
    hh = district.households["g1"]
    assert hh[0].building_id == hh[1].building_id
    _ticket(district, hh[0], days_ago=3)
    _ticket(district, hh[1], days_ago=20)
    _ticket(district, hh[1], days_ago=40)  # outside the window
    warnings_run(actor=None, district_code=code)
    assert _kinds(code) == []
    third = _ticket(district, hh[2], days_ago=25)
    out = warnings_run(actor=None, district_code=code)
    assert out["repeat"] == 1 and out["new"] == 1
    w = DisputeWarning.objects.get(kind=WarningKind.REPEAT)
    assert w.count == 3 and third.number in w.evidence and len(w.evidence) == 3
    assert w.community_code == district.communities["A1"].code and w.week_start == MONDAY
    # the run is idempotent within the week
    assert warnings_run(actor=None, district_code=code)["new"] == 0
    assert DisputeWarning.objects.count() == 1


def test_ten_households_on_one_problem_is_a_group_warning(district):
    code = district.district.code
    grid = district.grids["g1"]
    households = [
        household_create(
            actor=None, grid=grid, estate_name=f"银山{i}号院", building_number="1", entrance="1", door="101"
        )
        for i in range(10)
    ]
    for h in households[:9]:
        _ticket(district, h, days_ago=5, code="205015")
    warnings_run(actor=None, district_code=code)
    assert WarningKind.GROUP not in _kinds(code)
    _ticket(district, households[9], days_ago=6, code="205015")
    warnings_run(actor=None, district_code=code)
    w = DisputeWarning.objects.get(kind=WarningKind.GROUP)
    assert w.count == 10 and "噪音扰民" in w.subject and len(w.evidence) == 10


def test_thresholds_are_data_the_district_admin_changes(district):
    code = district.district.code
    hh = district.households["g1"]
    _ticket(district, hh[0], days_ago=3)
    _ticket(district, hh[1], days_ago=4)
    with pytest.raises(NotFound):
        warning_rule_save(
            actor=district.user("community_worker"),
            district_code=code,
            kind="repeat",
            window_days=30,
            threshold=2,
        )
    with pytest.raises(ValidationFailed):
        warning_rule_save(
            actor=district.user("district_admin"),
            district_code=code,
            kind="repeat",
            window_days=0,
            threshold=2,
        )
    warning_rule_save(
        actor=district.user("district_admin"), district_code=code, kind="repeat", window_days=30, threshold=2
    )
    warnings_run(actor=district.user("district_admin"), district_code=code)
    assert _kinds(code) == [WarningKind.REPEAT]


def test_reopened_neighbour_dispute_and_broken_agreement_warn(district):
    code = district.district.code
    t = _ticket(district, district.households["g2"][0], days_ago=2, code="302010", reopen_count=1)
    org = make_org(district)
    case = mediating_case(district, org)
    case_agree(actor=None, case_id=case.pk, terms="拴绳遛狗", performance="即日起")
    case_follow_up(actor=None, case_id=case.pk, kept=False, note="仍未拴绳")
    DisputeWarning.objects.all().delete()
    nxt = MONDAY + dt.timedelta(days=7)
    warnings_run(actor=None, district_code=code, week_start=nxt)
    rows = {w.kind: w for w in DisputeWarning.objects.all()}
    assert rows[WarningKind.NEIGHBOUR_REOPENED].evidence == [t.number]
    assert rows[WarningKind.AGREEMENT_BROKEN].case_id == case.pk


def test_hand_over_and_close_with_what_was_done(district):
    code = district.district.code
    for i, days in enumerate((1, 2, 3)):
        _ticket(district, district.households["g1"][i], days_ago=days)
    warnings_run(actor=None, district_code=code)
    w = DisputeWarning.objects.get()
    cw, gw = district.user("community_worker"), district.user("grid_worker")
    assert [x.pk for x in selectors.warning_list_for_actor(actor=gw)] == [w.pk]
    assert not selectors.warning_list_for_actor(actor=district.user("grid_worker_g2")).exists()
    with pytest.raises(ValidationFailed):
        warning_hand_over(actor=cw, warning_id=w.pk, handler_id=district.user("grid_worker_g2").pk)
    warning_hand_over(actor=cw, warning_id=w.pk, handler_id=gw.pk)
    with pytest.raises(ValidationFailed):
        warning_close(actor=gw, warning_id=w.pk, action="")
    w = warning_close(actor=gw, warning_id=w.pk, action="入户走访，楼上已修复管道")
    assert w.status == WarningStatus.CLOSED and w.closed_on == timezone.localdate()
