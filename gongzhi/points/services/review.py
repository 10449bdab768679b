"""The daily review's batch: the meeting approves the day's claims at once (通过 as a list), one
transaction, one chain-head lock, the postings and legs written in bulk, one audit row. Claims the actor
reported or that are for their own household stay pending for someone else (the rule of
core.duties.refuse_own_work, asked per claim with is_own_work); claims under a rule with a yearly cap or a
deduction stay pending for the one-by-one decision (``claim_decide``), which weighs the cap and the
balance."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.core.duties import is_own_work
from gongzhi.core.errors import NotFound, ValidationFailed
from gongzhi.core.permissions import require
from gongzhi.points.enums import AccountKind, ClaimStatus, Direction, PostingKind
from gongzhi.points.models import Account, Claim, ReviewMeeting
from gongzhi.points.services.ledger import Entry, _new_code, community_account, post_entries

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


def _household_accounts(batch: list[Claim]) -> dict[int, int]:
    """{household id: account id}, the rows locked in id order; missing accounts made in one insert."""
    from gongzhi.places.models import Household

    households = {c.household_id for c in batch}
    have = set(
        Account.objects.filter(household_id__in=sorted(households)).values_list("household_id", flat=True)
    )
    missing = []
    for h in Household.objects.select_related("grid").filter(pk__in=sorted(households - have)):
        acc = Account(
            community_id=h.grid.community_id, kind=AccountKind.HOUSEHOLD, household=h, code=_new_code()
        )
        acc.set_place_codes(grid_code=h.grid_code)
        missing.append(acc)
    if missing:
        Account.objects.bulk_create(missing, ignore_conflicts=True)
    return dict(
        Account.objects.select_for_update()
        .filter(household_id__in=sorted(households))
        .order_by("pk")
        .values_list("household_id", "pk")
    )


def _set_per_claim(batch: list[Claim], made: list[Any]) -> None:
    """final_points and posting differ per claim: one CASE update per chunk."""
    qn = connection.ops.quote_name
    table, pk = qn(Claim._meta.db_table), qn("id")
    pairs = [(c.pk, c.points * c.quantity, p.pk) for c, p in zip(batch, made, strict=True)]
    for i in range(0, len(pairs), 400):
        chunk = pairs[i : i + 400]
        points = " ".join(f"WHEN {c} THEN {int(n)}" for c, n, _p in chunk)
        posts = " ".join(f"WHEN {c} THEN {int(p)}" for c, _n, p in chunk)
        marks = ", ".join(["%s"] * len(chunk))
        sql = (
            f"UPDATE {table} SET {qn('final_points')} = (CASE {pk} {points} END), "  # noqa: S608 (ints only)
            f"{qn('posting_id')} = (CASE {pk} {posts} END) WHERE {pk} IN ({marks})"
        )
        with connection.cursor() as cur:
            cur.execute(sql, [c for c, _n, _p in chunk])


@transaction.atomic
def claims_approve_batch(*, actor: Actor | None, meeting_id: int, claim_ids: list[Any]) -> BatchApproved:
    meeting = ReviewMeeting.objects.select_related("community").filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFound()
    require(actor, "points.review_claim", meeting)
    if len(claim_ids) > MAX_BATCH:
        raise ValidationFailed(
            gettext("一次最多评议%(MAX_BATCH)s条申报") % {"MAX_BATCH": MAX_BATCH},
            fields={"claim_ids": gettext("数量过多")},
        )
    claims = list(
        Claim.objects.select_for_update(of=("self",))
        .select_related("rule")
        .only(
            "id",
            "household_id",
            "reported_by_id",
            "points",
            "quantity",
            "rule_id",
            "rule__code",
            "rule__name",
            "rule__direction",
            "rule__yearly_cap",
        )
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
    # Lock order: the household accounts (made in bulk where missing), then the chain head.
    accounts = _household_accounts(batch)
    issuer = community_account(meeting.community, AccountKind.ISSUER)
    now = timezone.now()
    entries = []
    for c in batch:
        total = c.points * c.quantity
        entries.append(
            Entry(
                kind=PostingKind.AWARD,
                memo=f"{c.rule.code} {c.rule.name}"[:200],
                legs=((accounts[c.household_id], total), (issuer.pk, -total)),
                rule_id=c.rule_id,
            )
        )
    made = post_entries(actor=actor, community_code=meeting.community_code, entries=entries, now=now)
    by = getattr(actor, "pk", None)
    Claim.objects.filter(pk__in=[c.pk for c in batch]).update(
        status=ClaimStatus.APPROVED, meeting=meeting, decided_by_id=by, decided_at=now
    )
    _set_per_claim(batch, made)
    audit_record(
        actor=actor,
        target=meeting,
        event="points.claims_approved",
        data={
            "approved": len(batch),
            "own_left": len(own),
            "left": result.left,
            "postings": [made[0].seq, made[-1].seq],
        },
    )
    return result
