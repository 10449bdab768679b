"""Campaigns on hand-made cases: tallies per type counted from the findings, a finding fixed on the spot or
turned into a ticket of the grid its point lies in, the place and scope checks, inspection duties with
their rounds, the missed-round sweep, and the overview's figures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.audit.models import AuditEvent
from gongzhi.campaigns import selectors
from gongzhi.campaigns.models import Finding, InspectionDuty
from gongzhi.campaigns.services import campaigns, findings, rounds
from gongzhi.campaigns.services.sweep import NEWLY_MISSED, STILL_MISSED, campaign_missed_rounds_sweep
from gongzhi.campaigns.tests.factories import POINT, make_campaign
from gongzhi.core.errors import ApplicationError
from gongzhi.core.sweeps import registered
from gongzhi.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def _record(d, campaign, user, type_code, *, grid="g1", outcome="fixed", quantity=1, description=""):
    lng, lat = POINT[grid]
    return findings.finding_record(
        actor=d.user(user),
        campaign_id=campaign.pk,
        data=findings.FindingInput(
            type_code=type_code, outcome=outcome, quantity=quantity, description=description, lng=lng, lat=lat
        ),
    )


def test_tallies_are_counted_from_the_findings(district):
    d = district
    campaign = make_campaign(d)
    _record(d, campaign, "grid_worker", "street_business")
    _record(d, campaign, "grid_worker", "street_business", quantity=2)
    _record(d, campaign, "grid_worker_g2", "street_business", grid="g2")
    _record(d, campaign, "grid_worker", "bike_parking", quantity=12)
    _record(
        d, campaign, "community_worker", "abandoned_car", outcome="ticket", description="小区北门僵尸车一辆"
    )
    other = make_campaign(d, title="另一次行动")
    _record(d, other, "grid_worker", "street_business")  # not this campaign's
    tallies = selectors.campaign_tallies(campaign=campaign)
    by = {t["code"]: t for t in tallies["types"]}
    assert (by["street_business"]["findings"], by["street_business"]["quantity"]) == (3, 4)
    assert (by["bike_parking"]["findings"], by["bike_parking"]["quantity"]) == (1, 12)
    assert (
        by["abandoned_car"]["findings"],
        by["abandoned_car"]["fixed"],
        by["abandoned_car"]["tickets"],
    ) == (1, 0, 1)
    assert by["small_ads"]["findings"] == 0 and by["public_drying"]["findings"] == 0
    assert tallies["total"] == {"findings": 5, "quantity": 17, "fixed": 4, "tickets": 1}
    assert selectors.campaign_counts() == {"campaigns_this_year": 2, "findings": 6, "findings_to_tickets": 1}


def test_a_ticket_takes_the_grid_of_the_findings_point(district):
    d = district
    campaign = make_campaign(d)
    f = _record(d, campaign, "grid_worker", "small_ads", outcome="ticket", description="墙面小广告")
    ticket = Ticket.objects.get(pk=f.ticket_id)
    assert ticket.grid_code == d.grids["g1"].code == f.grid_code
    assert "小广告/牛皮癣" in ticket.description and "墙面小广告" in ticket.description
    assert AuditEvent.objects.filter(event_type="campaigns.finding_recorded").count() == 1


def test_place_scope_and_input_are_checked_and_nothing_is_written(district):
    d = district
    campaign = make_campaign(d)  # community A1: grids g1, g2
    cases = [
        (lambda: _record(d, campaign, "grid_worker", "street_business", grid="g3"), "不在本次行动范围内"),
        (lambda: _record(d, campaign, "grid_worker_g2", "street_business", grid="g1"), "本人负责网格"),
        (lambda: _record(d, campaign, "grid_worker", "no_such_type"), "请选择问题类型"),
        (lambda: _record(d, campaign, "grid_worker", "street_business", quantity=0), "数量应为"),
        (lambda: _record(d, campaign, "grid_worker", "abandoned_car", outcome="ticket"), "请填写情况说明"),
        (lambda: _record(d, campaign, "grid_worker", "street_business", outcome="later"), "处置方式"),
    ]
    for call, message in cases:
        with pytest.raises(ApplicationError) as exc:
            call()
        assert exc.value.status == 400 and message in exc.value.message, exc.value.message
    assert not Finding.objects.exists() and not Ticket.objects.exists()
    campaigns.campaign_close(actor=d.user("community_worker"), campaign_id=campaign.pk)
    with pytest.raises(ApplicationError) as exc:
        _record(d, campaign, "grid_worker", "street_business")
    assert exc.value.status == 409 and "行动已结束" in exc.value.message
    with pytest.raises(ApplicationError) as exc:
        campaigns.campaign_close(actor=d.user("community_worker"), campaign_id=campaign.pk)
    assert exc.value.status == 409 and "已结束" in exc.value.message


def test_campaign_create_checks_its_fields(district):
    d = district
    with pytest.raises(ApplicationError) as exc:
        campaigns.campaign_create(
            actor=d.user("community_worker"),
            data=campaigns.CampaignInput(
                place_code=d.communities["B1"].code, kind="joint", title="x", starts_on=None, ends_on=None
            ),
        )
    assert "本人负责" in exc.value.message
    with pytest.raises(ApplicationError) as exc:
        campaigns.campaign_create(
            actor=d.user("community_worker"),
            data=campaigns.CampaignInput(
                place_code=d.communities["A1"].code,
                kind="inspection",
                title="",
                starts_on=dt.date(2026, 5, 2),
                ends_on=dt.date(2026, 5, 1),
                grid_codes=[d.grids["g3"].code],
            ),
        )
    assert set(exc.value.fields) >= {"title", "round_kind", "ends_on", "grid_codes"}


def test_rounds_duties_checks_and_the_missed_round_sweep(district):
    d = district
    campaign = make_campaign(
        d, kind="inspection", round_kind="waste_sorting", title="垃圾分类点位巡查", every_days=2
    )
    with pytest.raises(ApplicationError) as exc:  # an inspector from another community
        rounds.inspection_duty_assign(
            actor=d.user("community_worker"),
            campaign_id=campaign.pk,
            inspector_id=d.user("unit_liaison").pk,
            responsibility="分类督导",
            section="1号楼投放点",
            starts_at=dt.time(7),
            ends_at=dt.time(9),
        )
    assert "巡查人应为" in exc.value.message
    duty = rounds.inspection_duty_assign(
        actor=d.user("community_worker"),
        campaign_id=campaign.pk,
        inspector_id=d.user("grid_worker").pk,
        responsibility="分类督导",
        section="1号楼投放点",
        starts_at=dt.time(0, 0),
        ends_at=dt.time(23, 59),
    )
    assert duty.due_on == campaign.starts_on  # three days ago: already missed
    assert "campaigns_missed_rounds" in registered()
    today = timezone.localdate()
    assert campaign_missed_rounds_sweep(today) == {NEWLY_MISSED: 1, STILL_MISSED: 1}
    assert campaign_missed_rounds_sweep(today) == {NEWLY_MISSED: 0, STILL_MISSED: 1}
    assert InspectionDuty.objects.get(pk=duty.pk).missed_since == today
    assert list(selectors.missed_duty_list_for_actor(actor=d.user("community_worker"))) == [duty]
    assert list(selectors.missed_duty_list_for_actor(actor=d.user("district_admin"))) == [duty]
    # someone else's duty: missing; the inspector walks it
    with pytest.raises(ApplicationError) as exc:
        rounds.inspection_check_record(actor=d.user("grid_worker_g2"), duty_id=duty.pk)
    assert exc.value.status == 404
    check = rounds.inspection_check_record(actor=d.user("grid_worker"), duty_id=duty.pk, note="投放点整洁")
    assert check.in_hours
    duty.refresh_from_db()
    assert (duty.last_done_on, duty.due_on, duty.missed_since) == (today, today + dt.timedelta(days=2), None)
    with pytest.raises(ApplicationError) as exc:
        rounds.inspection_check_record(actor=d.user("grid_worker"), duty_id=duty.pk)
    assert exc.value.status == 409 and "已记录" in exc.value.message
    assert campaign_missed_rounds_sweep(today) == {NEWLY_MISSED: 0, STILL_MISSED: 0}
    assert not selectors.missed_duty_list_for_actor(actor=d.user("community_worker")).exists()


def test_a_grid_worker_sees_the_campaigns_over_their_grid_only(district, django_assert_max_num_queries):
    d = district
    a = make_campaign(d)
    b = make_campaign(d, community="B1", title="乙方行动")
    mine = selectors.campaigns_open_for_recorder(actor=d.user("grid_worker"))
    assert mine == [a]
    assert set(selectors.campaign_list_for_actor(actor=d.user("auditor"))) == {a, b}
    assert list(selectors.campaign_list_for_actor(actor=d.user("community_worker"))) == [a]
    for _ in range(5):
        _record(d, a, "grid_worker", "public_drying")
    with django_assert_max_num_queries(3):
        rows = list(selectors.finding_list_for_actor(actor=d.user("grid_worker"), campaign_id=a.pk))
        assert [r.type.name for r in rows] == ["公共用地晾晒"] * 5
