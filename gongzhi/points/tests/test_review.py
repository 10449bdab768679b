"""The daily review's list (claims_approve_batch): every listed claim approved and posted in one go, the
chain whole; the reviewer's own claims and the capped or deducting ones left pending."""

from __future__ import annotations

import pytest
from django.utils import timezone

from gongzhi.audit.models import AuditEvent
from gongzhi.points import ledger
from gongzhi.points.enums import ClaimStatus
from gongzhi.points.models import Account, Claim, LedgerHead, Posting
from gongzhi.points.services.claims import ClaimInput, claim_propose
from gongzhi.points.services.review import claims_approve_batch
from gongzhi.points.tests.factories import make_rule, meeting

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
