"""The daily review's batch: the meeting approves the day's claims at once (通过 as a list), one
transaction, one chain-head lock, the postings and legs written in bulk, one audit row. Claims the actor
reported or that are for their own household stay pending for someone else (the rule of
core.duties.refuse_own_work, asked per claim with is_own_work); claims under a rule with a yearly cap or a
deduction stay pending for the one-by-one decision (``claim_decide``), which weighs the cap and the
balance."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from gongzhi.audit.services import audit_record
from gongzhi.core.duties import is_own_work
from gongzhi.core.errors import NotFound, ValidationFailed
from gongzhi.core.permissions import require
from gongzhi.points import ledger
from gongzhi.points.enums import AccountKind, ClaimStatus, Direction, PostingKind
from gongzhi.points.models import Account, Claim, LedgerHead, Leg, Posting, ReviewMeeting
from gongzhi.points.services.ledger import community_account, household_account

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

MAX_BATCH = 1000


@dataclass
class BatchApproved:
    approved: int
    own_left: int  # the actor's own claims, left for someone else
    left: int  # capped or deducting rules: left for the one-by-one decision


def _users_by_household(household_ids: list[int]) -> dict[int, set[int]]:
    from gongzhi.accounts.models import RoleAssignment

    out: dict[int, set[int]] = {}
    for hid, uid in RoleAssignment.objects.filter(household_id__in=household_ids, active=True).values_list(
        "household_id", "user_id"
    ):
        out.setdefault(hid, set()).add(uid)
    return out


@transaction.atomic
def claims_approve_batch(*, actor: Actor | None, meeting_id: int, claim_ids: list[Any]) -> BatchApproved:
    meeting = ReviewMeeting.objects.select_related("community").filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFound()
    require(actor, "points.review_claim", meeting)
    if len(claim_ids) > MAX_BATCH:
        raise ValidationFailed(f"一次最多评议{MAX_BATCH}条申报", fields={"claim_ids": "数量过多"})
    claims = list(
        Claim.objects.select_for_update(of=("self",))
        .select_related("rule", "household")
        .filter(
            pk__in=[int(i) for i in claim_ids],
            community_code=meeting.community_code,
            status=ClaimStatus.PENDING,
        )
        .order_by("pk")
    )
    users = _users_by_household(sorted({c.household_id for c in claims}))
    own = [c for c in claims if is_own_work(actor, c.reported_by_id, users.get(c.household_id, set()))]
    rest = [c for c in claims if c not in own]
    batch = [c for c in rest if c.rule.direction == Direction.AWARD and not c.rule.yearly_cap]
    result = BatchApproved(approved=len(batch), own_left=len(own), left=len(rest) - len(batch))
    if not batch:
        return result
    # Lock order: the household accounts, then the chain head.
    for h in {c.household_id: c.household for c in batch}.values():
        household_account(h)
    accounts = {
        a.household_id: a
        for a in Account.objects.select_for_update().filter(
            household_id__in=sorted({c.household_id for c in batch})
        )
    }
    issuer = community_account(meeting.community, AccountKind.ISSUER)
    code = meeting.community_code
    LedgerHead.objects.get_or_create(community_code=code, defaults={"district_code": code[:6]})
    head = LedgerHead.objects.select_for_update().get(community_code=code)
    seq, prev, now = head.seq, head.hash, timezone.now()
    rows, leg_rows, sums = [], [], {issuer.pk: 0}
    for c in batch:
        seq += 1
        total = c.points * c.quantity
        acc = accounts[c.household_id]
        legs = [(acc.pk, total), (issuer.pk, -total)]
        memo = f"{c.rule.code} {c.rule.name}"[:200]
        digest = ledger.posting_hash(
            prev_hash=prev, community_code=code, seq=seq, kind=PostingKind.AWARD, memo=memo, posted_at=now,
            rule_id=c.rule_id, reverses_id=None, legs=legs,
        )  # fmt: skip
        rows.append(
            Posting(
                district_code=code[:6],
                community_code=code,
                seq=seq,
                kind=PostingKind.AWARD,
                memo=memo,
                rule_id=c.rule_id,
                leg_count=2,
                posted_at=now,
                posted_by_id=getattr(actor, "pk", None),
                prev_hash=prev,
                hash=digest,
            )
        )
        leg_rows.append(legs)
        prev = digest
        sums[acc.pk] = sums.get(acc.pk, 0) + total
        sums[issuer.pk] -= total
    made = Posting.objects.bulk_create(rows)
    Leg.objects.bulk_create(
        [
            Leg(posting_id=p.pk, account_id=a, amount=n, district_code=code[:6])
            for p, legs in zip(made, leg_rows, strict=True)
            for a, n in legs
        ]
    )
    for acc_id, n in sums.items():
        Account.objects.filter(pk=acc_id).update(balance=F("balance") + n)
    LedgerHead.objects.filter(pk=head.pk).update(seq=seq, hash=prev)
    for c, p in zip(batch, made, strict=True):
        c.status, c.meeting, c.final_points, c.posting = (
            ClaimStatus.APPROVED,
            meeting,
            c.points * c.quantity,
            p,
        )
        c.decided_by_id, c.decided_at = getattr(actor, "pk", None), now
    Claim.objects.bulk_update(
        batch, ["status", "meeting", "final_points", "posting", "decided_by", "decided_at"], batch_size=500
    )
    audit_record(
        actor=actor,
        target=meeting,
        event="points.claims_approved",
        data={
            "approved": len(batch),
            "own_left": len(own),
            "left": result.left,
            "postings": [rows[0].seq, seq],
        },
    )
    return result
