"""The daily review's list (claims_approve_batch): every listed claim approved and posted in one go, the
chain whole; the reviewer's own claims and the capped or deducting ones left pending."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from gongzhi.audit.models import AuditEvent
from gongzhi.core.errors import Conflict, ValidationFailed
from gongzhi.points import ledger
from gongzhi.points.enums import AccountKind, ClaimStatus, PostingKind
from gongzhi.points.models import Account, Claim, LedgerHead, Leg, Posting
from gongzhi.points.services.claims import ClaimInput, claim_propose
from gongzhi.points.services.ledger import Entry, community_account, household_account, post_entries
from gongzhi.points.services.review import claims_approve_batch
from gongzhi.points.tests.factories import award, make_rule, meeting

pytestmark = pytest.mark.django_db


def _propose(d, actor: str, household, rule, points: int):
    return claim_propose(
        actor=d.user(actor),
        household_id=household.pk,
        data=ClaimInput(
            rule_id=rule.pk, points=points, description="清理杂物", occurred_on=timezone.localdate()
        ),
    )


def test_the_list_is_approved_at_once_and_the_reviewers_own_claims_stay_pending(district):
    d = district
    rule = make_rule(d, high=10)
    capped = make_rule(d, code="C1", name="移风易俗", high=10, yearly_cap=20)
    hh = d.households["g1"]
    by_worker = [_propose(d, "grid_worker", hh[i % 3], rule, 2 + i) for i in range(4)]
    own = _propose(d, "community_secretary", hh[0], rule, 5)
    cap = _propose(d, "grid_worker", hh[1], capped, 5)
    m = meeting(d)
    done = claims_approve_batch(
        actor=d.user("community_secretary"), meeting_id=m.pk, claim_ids=[c.pk for c in [*by_worker, own, cap]]
    )
    assert (done.approved, done.own_left, done.left) == (4, 1, 1)
    statuses = dict(Claim.objects.values_list("pk", "status"))
    assert all(statuses[c.pk] == ClaimStatus.APPROVED for c in by_worker)
    assert statuses[own.pk] == ClaimStatus.PENDING and statuses[cap.pk] == ClaimStatus.PENDING
    assert Posting.objects.count() == 4
    assert Account.objects.get(household=hh[0]).balance == 2 + 5
    head = LedgerHead.objects.get()
    assert ledger.verify_chain(head.community_code, head.seq, head.hash).ok
    assert ledger.balance_differences()[1] == {}
    assert AuditEvent.objects.filter(event_type="points.claims_approved").count() == 1


def _pending(d, rule, households, n: int) -> list[int]:
    rows = []
    for i in range(n):
        h = households[i % len(households)]
        c = Claim(
            rule=rule,
            household=h,
            source="grid_worker",
            points=1 + i % 7,
            description="帮扶邻里",
            occurred_on=timezone.localdate(),
        )
        c.set_place_codes(grid_code=h.grid_code)
        rows.append(c)
    return [c.pk for c in Claim.objects.bulk_create(rows)]


def test_a_list_of_many_claims_is_posted_in_bulk_on_a_verifying_chain(district):
    d = district
    rule = make_rule(d, high=10)
    households = [*d.households["g1"], *d.households["g2"]]
    award(d, households[0], 4)  # a posting already on the chain: the list continues it
    ids = _pending(d, rule, households, 250)
    m = meeting(d)
    done = claims_approve_batch(actor=d.user("community_secretary"), meeting_id=m.pk, claim_ids=ids)
    assert done.approved == 250
    claims = list(Claim.objects.filter(pk__in=ids).select_related("posting").order_by("pk"))
    assert all(c.status == ClaimStatus.APPROVED and c.meeting_id == m.pk for c in claims)
    assert all(c.final_points == c.points * c.quantity for c in claims)
    # Every claim has its own posting, in claim order, right after the earlier posting.
    posts = [c.posting for c in claims if c.posting is not None]
    assert len(posts) == 250
    assert [p.seq for p in posts] == list(range(2, 252))
    assert all(p.rule_id == rule.pk and p.leg_count == 2 for p in posts)
    assert Leg.objects.filter(posting__in=[c.posting_id for c in claims]).count() == 500
    head = LedgerHead.objects.get()
    assert head.seq == 251
    report = ledger.verify_chain(head.community_code, head.seq, head.hash)
    assert report.ok, report.problems
    assert report.postings == 251 and report.legs == 502
    assert ledger.balance_differences()[1] == {}
    expected = {h.pk: 0 for h in households}
    expected[households[0].pk] = 4
    for c in claims:
        expected[c.household_id] += c.points
    got = dict(Account.objects.filter(household__in=households).values_list("household_id", "balance"))
    assert got == expected
    assert AuditEvent.objects.filter(event_type="points.claims_approved").count() == 1


def test_a_bulk_posting_that_would_take_a_balance_below_zero_writes_nothing(district):
    d = district
    hh = d.households["g1"]
    award(d, hh[0], 5)
    a0 = Account.objects.get(household=hh[0])
    a1 = household_account(hh[1])
    shop = community_account(d.communities["A1"], AccountKind.SHOP)
    issuer = community_account(d.communities["A1"], AccountKind.ISSUER)
    before = (
        Posting.objects.count(),
        Leg.objects.count(),
        dict(Account.objects.values_list("pk", "balance")),
    )
    head = LedgerHead.objects.get()
    entries = [
        Entry(kind=PostingKind.AWARD, memo="奖励", legs=((a1.pk, 3), (issuer.pk, -3))),
        # 5 on the account, 6 spent: refused, although a later award in the list would cover it.
        Entry(kind=PostingKind.REDEEM, memo="兑换", legs=((a0.pk, -6), (shop.pk, 6))),
        Entry(kind=PostingKind.AWARD, memo="奖励", legs=((a0.pk, 10), (issuer.pk, -10))),
    ]
    with pytest.raises(Conflict) as err, transaction.atomic():
        post_entries(actor=None, community_code=head.community_code, entries=entries)
    assert "余额不足" in str(err.value.message)
    after = (Posting.objects.count(), Leg.objects.count(), dict(Account.objects.values_list("pk", "balance")))
    assert after == before
    assert LedgerHead.objects.get().seq == head.seq
    # In the other order the same list is accepted and the chain still verifies.
    with transaction.atomic():
        post_entries(
            actor=None, community_code=head.community_code, entries=[entries[0], entries[2], entries[1]]
        )
    head = LedgerHead.objects.get()
    assert ledger.verify_chain(head.community_code, head.seq, head.hash).ok
    assert ledger.balance_differences()[1] == {}
    assert Account.objects.get(pk=a0.pk).balance == 5 + 10 - 6


def test_an_unbalanced_entry_in_a_bulk_list_writes_nothing(district):
    d = district
    a1 = household_account(d.households["g1"][1])
    issuer = community_account(d.communities["A1"], AccountKind.ISSUER)
    code = d.communities["A1"].code
    entries = [
        Entry(kind=PostingKind.AWARD, memo="奖励", legs=((a1.pk, 3), (issuer.pk, -3))),
        Entry(kind=PostingKind.AWARD, memo="奖励", legs=((a1.pk, 3), (issuer.pk, -2))),
    ]
    with pytest.raises(ValidationFailed), transaction.atomic():
        post_entries(actor=None, community_code=code, entries=entries)
    assert Posting.objects.count() == 0 and Leg.objects.count() == 0
    assert Account.objects.get(pk=a1.pk).balance == 0
