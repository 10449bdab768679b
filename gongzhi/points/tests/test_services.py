"""The core loop through the services: rules, claims, the daily review, the ledger and the shop; bad
input answered in Chinese with nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.audit.models import AuditEvent
from gongzhi.core.errors import ApplicationError, Conflict, Forbidden, ValidationFailed
from gongzhi.points import ledger
from gongzhi.points.enums import Channel, ClaimStatus, Outcome, PostingKind, RuleSource, YearEnd
from gongzhi.points.models import Account, Claim, Goods, LedgerHead, Leg, Posting, Redemption, StockMove
from gongzhi.points.services import ledger as ledger_services
from gongzhi.points.services.claims import ClaimInput, claim_decide, claim_propose, claim_report
from gongzhi.points.services.rules import RuleInput, rule_revise, scheme_update
from gongzhi.points.services.shop import goods_restock, goods_stocktake, redemption_make
from gongzhi.points.tests.factories import award, make_goods, make_rule, meeting

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return (
        Claim.objects.count(),
        Posting.objects.count(),
        Leg.objects.count(),
        Redemption.objects.count(),
        StockMove.objects.count(),
        AuditEvent.objects.count(),
    )


def _chinese(exc: ApplicationError) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in exc.message)


def test_an_approved_claim_posts_balanced_legs_on_the_chain(district):
    hh = district.households["g1"][0]
    claim = award(district, hh, 6)
    assert claim.status == ClaimStatus.APPROVED and claim.final_points == 6
    legs = list(Leg.objects.filter(posting=claim.posting).values_list("amount", flat=True))
    assert sorted(legs) == [-6, 6]
    assert Account.objects.get(household=hh).balance == 6
    head = LedgerHead.objects.get(community_code=hh.community_code)
    report = ledger.verify_chain(hh.community_code, head.seq, head.hash)
    assert report.ok and report.postings == 1
    assert claim.posting.rule_id == claim.rule_id


def test_a_changed_claim_needs_a_reason_and_posts_the_changed_points(district):
    hh = district.households["g1"][1]
    rule = make_rule(district, high=10)
    claim = claim_propose(
        actor=district.user("grid_worker"),
        household_id=hh.pk,
        data=ClaimInput(rule_id=rule.pk, points=8, description="义务清扫", occurred_on=timezone.localdate()),
    )
    meeting(district)
    before = _counts()
    with pytest.raises(ValidationFailed) as exc:
        claim_decide(
            actor=district.user("community_secretary"),
            claim_id=claim.pk,
            meeting_id=meeting(district).pk,
            outcome=Outcome.CHANGE,
            points=5,
        )
    assert "评议意见" in exc.value.message and _counts() == before
    done = claim_decide(
        actor=district.user("community_secretary"),
        claim_id=claim.pk,
        meeting_id=meeting(district).pk,
        outcome=Outcome.CHANGE,
        points=5,
        reason="清扫范围较小",
    )
    assert (done.status, done.final_points) == (ClaimStatus.CHANGED, 5)
    assert Account.objects.get(household=hh).balance == 5
    with pytest.raises(Conflict):
        claim_decide(
            actor=district.user("community_secretary"),
            claim_id=claim.pk,
            meeting_id=meeting(district).pk,
            outcome=Outcome.APPROVE,
        )


def test_a_rejected_claim_posts_nothing(district):
    hh = district.households["g1"][1]
    rule = make_rule(district)
    claim = claim_propose(
        actor=district.user("grid_worker"),
        household_id=hh.pk,
        data=ClaimInput(rule_id=rule.pk, points=3, description="义务清扫", occurred_on=timezone.localdate()),
    )
    done = claim_decide(
        actor=district.user("community_secretary"),
        claim_id=claim.pk,
        meeting_id=meeting(district).pk,
        outcome=Outcome.REJECT,
        reason="经核实不属实",
    )
    assert done.status == ClaimStatus.REJECTED and done.posting is None
    assert Posting.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "change", "message"),
    [
        ("points", {"points": -3}, "不能为负数"),
        ("rule_id", {"rule_id": 999999}, "规则不存在"),
        ("points", {"points": 50}, "分值应在1到10之间"),
        ("occurred_on", {"occurred_on": None}, "发生日期"),
    ],
)
def test_bad_claims_are_refused_in_chinese_and_nothing_is_written(district, field, change, message):
    rule = make_rule(district)
    hh = district.households["g1"][0]
    data = {"rule_id": rule.pk, "points": 3, "description": "清理杂物", "occurred_on": timezone.localdate()}
    data.update(change)
    before = _counts()
    with pytest.raises(ValidationFailed) as exc:
        claim_propose(actor=district.user("grid_worker"), household_id=hh.pk, data=ClaimInput(**data))
    assert message in exc.value.message and field in exc.value.fields
    assert _counts() == before


def test_a_rule_outside_its_dates_is_refused(district):
    today = timezone.localdate()
    rule = make_rule(
        district, valid_from=today - dt.timedelta(days=30), valid_to=today - dt.timedelta(days=2)
    )
    before = _counts()
    with pytest.raises(ValidationFailed) as exc:
        claim_propose(
            actor=district.user("grid_worker"),
            household_id=district.households["g1"][0].pk,
            data=ClaimInput(rule_id=rule.pk, points=2, description="清扫", occurred_on=today),
        )
    assert "不在有效期内" in exc.value.message and _counts() == before


def test_a_revised_rule_keeps_the_old_version_for_old_entries(district):
    rule = make_rule(district)
    today = timezone.localdate()
    new = rule_revise(
        actor=district.user("community_worker"),
        rule_id=rule.pk,
        data=RuleInput(
            code="X",
            name="门前三包（新）",
            direction="award",
            category="environment",
            points_min=2,
            points_max=12,
            valid_from=today,
        ),
    )
    rule.refresh_from_db()
    assert (new.version, new.code, rule.valid_to) == (2, rule.code, today - dt.timedelta(days=1))
    claim = claim_propose(
        actor=district.user("grid_worker"),
        household_id=district.households["g1"][0].pk,
        data=ClaimInput(
            rule_id=rule.pk, points=2, description="清扫", occurred_on=today - dt.timedelta(days=3)
        ),
    )
    assert claim.rule.version == 1


def test_a_resident_reports_for_their_own_household_and_cannot_review_it(district):
    rule = make_rule(district)
    resident = district.user("resident")
    claim = claim_report(
        actor=resident,
        data=ClaimInput(
            rule_id=rule.pk, points=2, description="帮邻居搬运", occurred_on=timezone.localdate()
        ),
    )
    assert claim.household == district.households["g1"][0] and claim.source == "resident"


def test_generated_claims_are_made_once_per_confirmed_record(district):
    from gongzhi.points.services.harvest import claims_harvest

    make_rule(district, code="V01", name="志愿服务", source=RuleSource.VOLUNTEER_HOURS, category="volunteer")
    cw = district.user("community_worker")
    first = claims_harvest(actor=cw, community_id=district.communities["A1"].pk)
    assert claims_harvest(actor=cw, community_id=district.communities["A1"].pk) == 0
    assert Claim.objects.filter(source="volunteer_hours").count() == first


def test_redemption_moves_stock_and_points_together_with_a_register_row(district):
    hh = district.households["g1"][0]
    award(district, hh, 10)
    goods = make_goods(district, price=4, stock=3)
    r = redemption_make(actor=district.user("resident"), goods_id=goods.pk, quantity=2, channel=Channel.H5)
    goods.refresh_from_db()
    assert (goods.stock, r.points, Account.objects.get(household=hh).balance) == (1, 8, 2)
    assert StockMove.objects.filter(goods=goods, kind="redeem").get().quantity == -2
    before = _counts()
    with pytest.raises(Conflict) as exc:  # 2 points left, 4 needed
        redemption_make(actor=district.user("resident"), goods_id=goods.pk, quantity=1, channel=Channel.H5)
    assert "积分余额不足" in exc.value.message and _counts() == before
    with pytest.raises(Conflict) as exc:
        redemption_make(actor=district.user("resident"), goods_id=goods.pk, quantity=5, channel=Channel.H5)
    assert "库存不足" in exc.value.message and _counts() == before


def test_over_the_household_limit_is_refused_and_nothing_written(district):
    hh = district.households["g1"][0]
    award(district, hh, 10)
    goods = make_goods(district, price=1, stock=10, limit=2)
    redemption_make(actor=district.user("resident"), goods_id=goods.pk, quantity=2, channel=Channel.H5)
    before = _counts()
    with pytest.raises(ValidationFailed) as exc:
        redemption_make(actor=district.user("resident"), goods_id=goods.pk, quantity=1, channel=Channel.H5)
    assert "限兑" in exc.value.message and _counts() == before


def test_the_counter_redeems_by_the_households_code(district):
    hh = district.households["g1"][1]
    award(district, hh, 6)
    goods = make_goods(district, price=3, stock=5)
    code = Account.objects.get(household=hh).code
    r = redemption_make(
        actor=district.user("grid_worker"),
        goods_id=goods.pk,
        household_code=code.lower(),
        channel=Channel.COUNTER,
    )
    assert r.household == hh and r.channel == Channel.COUNTER
    before = _counts()
    with pytest.raises(ValidationFailed):
        redemption_make(
            actor=district.user("grid_worker"),
            goods_id=goods.pk,
            household_code="NOPE",
            channel=Channel.COUNTER,
        )
    assert _counts() == before


def test_restock_and_stocktake_record_the_difference(district):
    goods = make_goods(district, stock=10)
    cw = district.user("community_worker")
    goods_restock(actor=cw, goods_id=goods.pk, quantity=5)
    with pytest.raises(ValidationFailed) as exc:
        goods_stocktake(actor=cw, goods_id=goods.pk, counted=13)
    assert "差异说明" in exc.value.message
    move = goods_stocktake(actor=cw, goods_id=goods.pk, counted=13, note="两瓶破损")
    goods.refresh_from_db()
    assert (move.expected, move.counted, move.quantity, goods.stock) == (15, 13, -2, 13)
    with pytest.raises(ValidationFailed):
        goods_restock(actor=cw, goods_id=goods.pk, quantity=-4)
    assert Goods.objects.get(pk=goods.pk).stock == 13


def test_a_donation_is_a_resource_of_the_three_lists(district):
    from gongzhi.cobuild.models import Resource
    from gongzhi.cobuild.tests.factories import make_unit
    from gongzhi.points.services.shop import goods_donate

    goods = make_goods(district, stock=0)
    unit = make_unit(district)
    move = goods_donate(
        actor=district.user("community_worker"), goods_id=goods.pk, quantity=20, unit_id=unit.pk
    )
    assert move.resource_id is not None
    res = Resource.objects.get(pk=move.resource_id)
    assert (res.kind, res.provider_name, move.quantity) == ("goods", unit.name, 20)
    assert Goods.objects.get(pk=goods.pk).stock == 20


def test_a_reversal_is_a_new_posting_and_the_original_stays(district):
    hh = district.households["g1"][0]
    claim = award(district, hh, 7)
    rev = ledger_services.posting_reverse(
        actor=district.user("community_worker"), posting_id=claim.posting_id, reason="重复申报"
    )
    assert rev.kind == PostingKind.REVERSAL and rev.reverses_id == claim.posting_id
    assert Account.objects.get(household=hh).balance == 0
    with pytest.raises(Conflict):
        ledger_services.posting_reverse(
            actor=district.user("community_worker"), posting_id=claim.posting_id, reason="再冲"
        )
    head = LedgerHead.objects.get(community_code=hh.community_code)
    assert ledger.verify_chain(hh.community_code, head.seq, head.hash).ok


def test_the_year_end_expires_balances_when_the_scheme_says_so(district):
    hh = district.households["g1"][0]
    award(district, hh, 9)
    cw = district.user("community_worker")
    scheme_update(
        actor=cw,
        community_id=district.communities["A1"].pk,
        group_members="王、李",
        year_end=YearEnd.EXPIRE,
        name_style="surname_initial",
    )
    done = ledger_services.year_close(
        actor=cw, community_id=district.communities["A1"].pk, year=timezone.localdate().year - 1
    )
    assert (done.households, done.points) == (1, 9)
    assert Account.objects.get(household=hh).balance == 0
    with pytest.raises(Conflict):
        ledger_services.year_close(
            actor=cw, community_id=district.communities["A1"].pk, year=timezone.localdate().year - 1
        )


def test_nobody_reviews_a_claim_they_reported(district):
    rule = make_rule(district)
    cw = district.user("community_worker")
    claim = claim_propose(
        actor=cw,
        household_id=district.households["g1"][0].pk,
        data=ClaimInput(rule_id=rule.pk, points=2, description="帮邻居", occurred_on=timezone.localdate()),
    )
    m = meeting(district)
    before = _counts()
    with pytest.raises(Forbidden) as exc:
        claim_decide(actor=cw, claim_id=claim.pk, meeting_id=m.pk, outcome="approve")
    assert exc.value.code == "own_work" and _counts() == before
