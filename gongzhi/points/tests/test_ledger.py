"""The ledger's invariants under property-based tests (hypothesis): any sequence of awards, deductions,
reversals and redemptions keeps every posting balanced, the cached balances equal the sums of the legs,
no household below zero, and the hash chain verifies; an edited row is found by ``points_verify``; the
database itself refuses an unbalanced posting and an UPDATE of the ledger."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongzhi.core.errors import ApplicationError
from gongzhi.points import ledger
from gongzhi.points.enums import AccountKind, Channel, PostingKind
from gongzhi.points.models import Account, LedgerHead, Leg, Posting
from gongzhi.points.services import ledger as ledger_services
from gongzhi.points.services.shop import goods_restock, redemption_make
from gongzhi.points.tests.factories import award, make_goods, make_rule

pytestmark = pytest.mark.django_db

STEP = st.one_of(
    st.tuples(st.just("award"), st.integers(0, 5), st.integers(1, 20)),
    st.tuples(st.just("deduct"), st.integers(0, 5), st.integers(1, 20)),
    st.tuples(st.just("redeem"), st.integers(0, 5), st.integers(1, 3)),
    st.tuples(st.just("reverse"), st.integers(0, 50), st.just(0)),
)


def _check_invariants(community_code: str) -> None:
    unbalanced = Leg.objects.values("posting_id").annotate(s=Sum("amount")).exclude(s=0).count()
    assert unbalanced == 0
    _legs, diffs = ledger.balance_differences()
    assert diffs == {}
    assert not Account.objects.filter(kind=AccountKind.HOUSEHOLD, balance__lt=0).exists()
    head = LedgerHead.objects.filter(community_code=community_code).first()
    if head is not None:
        report = ledger.verify_chain(community_code, head.seq, head.hash)
        assert report.ok, report.problems


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, min_size=1, max_size=12))
def test_any_sequence_keeps_the_ledger_whole(district, steps):
    with transaction.atomic():  # each example starts from the small district again
        households = [*district.households["g1"], *district.households["g2"]]
        award_rule = make_rule(district, code="P1", high=20)
        deduct_rule = make_rule(district, code="M1", name="乱堆乱放", high=20, direction="deduct")
        goods = make_goods(district, name="毛巾", price=2, stock=0)
        goods_restock(actor=district.user("community_worker"), goods_id=goods.pk, quantity=100)
        from gongzhi.accounts.services import role_assign, user_create
        from gongzhi.core.roles import Role

        residents = []
        for i, hh in enumerate(households):
            u = user_create(
                actor=None,
                username=f"hyp{i}",
                password="x-Passw0rd-9",
                display_name="户",
                validate_password=False,
            )
            role_assign(actor=None, user=u, role=Role.RESIDENT, household=hh)
            residents.append(u)
        for op, who, n in steps:
            hh = households[who % len(households)]
            try:
                if op == "award":
                    award(district, hh, n, rule=award_rule)
                elif op == "deduct":
                    award(district, hh, n, rule=deduct_rule)
                elif op == "redeem":
                    redemption_make(
                        actor=residents[who % len(residents)],
                        goods_id=goods.pk,
                        quantity=n,
                        channel=Channel.H5,
                    )
                else:
                    postings = list(Posting.objects.exclude(kind=PostingKind.REVERSAL).order_by("id"))
                    if postings:
                        ledger_services.posting_reverse(
                            actor=district.user("community_worker"),
                            posting_id=postings[who % len(postings)].pk,
                            reason="核查更正",
                        )
            except ApplicationError as exc:
                assert exc.status in (400, 409), (
                    exc.message
                )  # a refusal, in Chinese, with nothing half-written
            _check_invariants(district.communities["A1"].code)
        transaction.set_rollback(True)


def _edit_a_leg() -> None:
    """What only someone at the database could do: change an amount with the ledger's guard off."""
    leg = Leg.objects.order_by("id").first()
    assert leg is not None
    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            c.execute("SET CONSTRAINTS ALL IMMEDIATE")  # fire the pending balance checks first
            c.execute("ALTER TABLE points_leg DISABLE TRIGGER USER")
            c.execute("UPDATE points_leg SET amount = amount + 100 WHERE id = %s", [leg.pk])
            c.execute("ALTER TABLE points_leg ENABLE TRIGGER USER")
        else:
            c.execute("DROP TRIGGER points_leg_no_update")
            c.execute("DROP TRIGGER points_leg_balanced")
            c.execute("UPDATE points_leg SET amount = amount + 100 WHERE id = %s", [leg.pk])


def test_the_database_refuses_an_update_of_a_posting(district):
    award(district, district.households["g1"][0], 5)
    posting = Posting.objects.get()
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017 (IntegrityError or InternalError by engine)
        Posting.objects.filter(pk=posting.pk).update(memo="改过的摘要")
    assert Posting.objects.get().memo == posting.memo


def test_the_database_refuses_an_unbalanced_posting(district):
    award(district, district.households["g1"][0], 5)
    acc = Account.objects.get(kind=AccountKind.HOUSEHOLD)
    head = LedgerHead.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        p = Posting.objects.create(
            district_code="370115",
            community_code=head.community_code,
            seq=head.seq + 1,
            kind="award",
            memo="凭空加分",
            leg_count=1,
            posted_at=Posting.objects.get().posted_at,
            prev_hash=head.hash,
            hash="x" * 64,
        )
        Leg.objects.create(posting=p, account=acc, amount=50, district_code="370115")
        if connection.vendor == "postgresql":
            with connection.cursor() as c:
                c.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert Posting.objects.count() == 1


def test_an_edited_row_is_found_by_the_check_command(district):
    hh = district.households["g1"][0]
    award(district, hh, 5)
    award(district, hh, 3)
    out = StringIO()
    call_command("points_verify", stdout=out)
    assert json.loads(out.getvalue())["chains_ok"] is True
    _edit_a_leg()
    out = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("points_verify", stdout=out)
    assert "校验未通过" in str(exc.value)
    report = json.loads(out.getvalue())
    assert report["chains_ok"] is False and report["balances_ok"] is False
    problems = report["chains"][0]["problems"]
    assert any("第1号分录" in p and "改动" in p for p in problems), problems


def test_balances_are_rebuilt_from_the_legs_and_compared(district):
    hh = district.households["g1"][0]
    award(district, hh, 5)
    Account.objects.filter(household=hh).update(balance=999)  # a cache gone wrong
    result = ledger_services.balances_rebuild(actor=district.user("district_admin"), district_code="370115")
    assert result["differing_accounts"] == 1 and not result["written"]
    result = ledger_services.balances_rebuild(
        actor=district.user("district_admin"), district_code="370115", write=True
    )
    assert result["written"] and Account.objects.get(household=hh).balance == 5
    assert ledger_services.balances_rebuild(actor=None, district_code="370115")["differing_accounts"] == 0
