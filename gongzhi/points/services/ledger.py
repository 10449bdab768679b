"""Writes of the ledger: the one way a posting is made (``post_entry``, called by the claim, shop and
year-end services inside their transactions), reversing entries, the balance rebuild and the year end.

Lock order, everywhere: the goods row or the claim, then the household accounts, then the community's
chain head (``LedgerHead``); the issuer, shop and expiry accounts' balances are only changed after the
head is held. So two postings never wait on each other in a circle.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.core.errors import Conflict, NotFound, ValidationFailed
from gongzhi.core.permissions import require
from gongzhi.points import ledger
from gongzhi.points.enums import AccountKind, PostingKind, YearEnd
from gongzhi.points.models import Account, LedgerHead, Leg, Posting, Scheme, YearClose

if TYPE_CHECKING:
    from gongzhi.core.types import Actor
    from gongzhi.places.models import Community, Household

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _new_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))


def scheme_of(community: Community) -> Scheme:
    scheme = Scheme.objects.filter(community=community).first()
    if scheme is None:
        scheme = Scheme(community=community)
        scheme.set_place_codes(community_code=community.code)
        scheme.save()
    return scheme


def community_account(community: Community, kind: str) -> Account:
    acc = Account.objects.filter(community=community, kind=kind, household__isnull=True).first()
    if acc is None:
        acc = Account(community=community, kind=kind, code=_new_code())
        acc.set_place_codes(community_code=community.code)
        try:
            with transaction.atomic():
                acc.save()
        except IntegrityError:
            acc = Account.objects.get(community=community, kind=kind, household__isnull=True)
    return acc


def household_account(household: Household, *, lock: bool = False) -> Account:
    """The household's account (made on first use); ``lock`` holds its row for the transaction."""
    qs = Account.objects.filter(household=household)
    acc = (qs.select_for_update() if lock else qs).first()
    if acc is None:
        acc = Account(
            community_id=household.grid.community_id, kind=AccountKind.HOUSEHOLD, household=household
        )
        acc.code = _new_code()
        acc.set_place_codes(grid_code=household.grid_code)
        try:
            with transaction.atomic():
                acc.save()
        except IntegrityError:
            pass
        acc = (qs.select_for_update() if lock else qs).get()
    return acc


def post_entry(
    *,
    actor: Actor | None,
    community_code: str,
    kind: str,
    memo: str,
    legs: Sequence[tuple[Account, int]],
    rule_id: int | None = None,
    reverses_id: int | None = None,
    now: dt.datetime | None = None,
) -> Posting:
    """One balanced posting at the end of the community's chain. The caller holds the household accounts'
    rows (``household_account(lock=True)``) and has checked their balances; the database's check refuses a
    household below zero as the last guard."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("post_entry runs inside the caller's transaction")
    amounts = [(a.pk, int(n)) for a, n in legs if n]
    if len(amounts) < 2 or sum(n for _a, n in amounts) != 0:
        raise ValidationFailed(gettext("分录借贷不平衡，未记账"))
    head = LedgerHead.objects.select_for_update().filter(community_code=community_code).first()
    if head is None:
        LedgerHead.objects.get_or_create(
            community_code=community_code, defaults={"district_code": community_code[:6]}
        )
        head = LedgerHead.objects.select_for_update().get(community_code=community_code)
    seq = head.seq + 1
    at = now or timezone.now()
    digest = ledger.posting_hash(
        prev_hash=head.hash,
        community_code=community_code,
        seq=seq,
        kind=kind,
        memo=memo,
        posted_at=at,
        rule_id=rule_id,
        reverses_id=reverses_id,
        legs=amounts,
    )
    posting = Posting.objects.create(
        district_code=community_code[:6],
        community_code=community_code,
        seq=seq,
        kind=kind,
        memo=memo,
        rule_id=rule_id,
        reverses_id=reverses_id,
        leg_count=len(amounts),
        posted_at=at,
        posted_by_id=getattr(actor, "pk", None),
        prev_hash=head.hash,
        hash=digest,
    )
    Leg.objects.bulk_create(
        [Leg(posting=posting, account_id=a, amount=n, district_code=community_code[:6]) for a, n in amounts]
    )
    try:
        with transaction.atomic():
            for a, n in amounts:
                Account.objects.filter(pk=a).update(balance=F("balance") + n)
    except IntegrityError as exc:
        raise Conflict(gettext("积分余额不足，不能记账")) from exc
    LedgerHead.objects.filter(pk=head.pk).update(seq=seq, hash=digest)
    return posting


@dataclass(frozen=True)
class Entry:
    """One posting to be made by ``post_entries``: legs are (account id, amount)."""

    kind: str
    memo: str
    legs: tuple[tuple[int, int], ...]
    rule_id: int | None = None
    reverses_id: int | None = None


def _add_to_balances(deltas: dict[int, int]) -> None:
    """One statement for the whole account set: balance = balance + CASE id WHEN … END."""
    ids = sorted(a for a, n in deltas.items() if n)
    if not ids:
        return
    qn = connection.ops.quote_name
    table, pk, bal = qn(Account._meta.db_table), qn("id"), qn("balance")
    for i in range(0, len(ids), 400):
        chunk = ids[i : i + 400]
        whens = " ".join(f"WHEN {a} THEN {int(deltas[a])}" for a in chunk)
        marks = ", ".join(["%s"] * len(chunk))
        sql = f"UPDATE {table} SET {bal} = {bal} + (CASE {pk} {whens} ELSE 0 END) WHERE {pk} IN ({marks})"  # noqa: S608 (ids and amounts are ints)
        with connection.cursor() as cur:
            cur.execute(sql, chunk)


def post_entries(
    *,
    actor: Actor | None,
    community_code: str,
    entries: Sequence[Entry],
    now: dt.datetime | None = None,
) -> list[Posting]:
    """Many balanced postings at the end of the community's chain, in bulk (the daily review's list, an
    import): the accounts' rows locked (in id order), then the chain head once; every household's new
    balance checked before anything is written (a Chinese 409, nothing written); the hashes chained in
    Python in order with ``ledger.posting_hash``; postings and legs written with ``bulk_create`` (the legs
    posting by posting, so the leg trigger sees each posting complete); the balances moved with one
    statement per account set; the head moved once. The caller holds the transaction and writes the audit
    row."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("post_entries runs inside the caller's transaction")
    if not entries:
        return []
    deltas: dict[int, int] = {}
    for e in entries:
        if len(e.legs) < 2 or any(not n for _a, n in e.legs) or sum(n for _a, n in e.legs) != 0:
            raise ValidationFailed(gettext("分录借贷不平衡，未记账"))
        for a, n in e.legs:
            deltas[a] = deltas.get(a, 0) + int(n)
    balances = {
        pk: (kind, balance)
        for pk, kind, balance in Account.objects.select_for_update()
        .filter(pk__in=sorted(deltas))
        .order_by("pk")
        .values_list("pk", "kind", "balance")
    }
    if len(balances) != len(deltas):
        raise NotFound()
    # Never below zero at any point of the chain: walk the entries in order (a later award does not pay for
    # an earlier spend).
    running = {pk: b for pk, (kind, b) in balances.items() if kind == AccountKind.HOUSEHOLD}
    for e in entries:
        for a, n in e.legs:
            if a in running:
                running[a] += n
                if running[a] < 0:
                    raise Conflict(gettext("积分余额不足，不能记账"))
    code = community_code
    head = LedgerHead.objects.select_for_update().filter(community_code=code).first()
    if head is None:
        LedgerHead.objects.get_or_create(community_code=code, defaults={"district_code": code[:6]})
        head = LedgerHead.objects.select_for_update().get(community_code=code)
    seq, prev, at = head.seq, head.hash, now or timezone.now()
    rows: list[Posting] = []
    by = getattr(actor, "pk", None)
    for e in entries:
        seq += 1
        digest = ledger.posting_hash(
            prev_hash=prev, community_code=code, seq=seq, kind=e.kind, memo=e.memo, posted_at=at,
            rule_id=e.rule_id, reverses_id=e.reverses_id, legs=e.legs,
        )  # fmt: skip
        row = Posting(
            district_code=code[:6], community_code=code, seq=seq, kind=e.kind, memo=e.memo,
            rule_id=e.rule_id, reverses_id=e.reverses_id, leg_count=len(e.legs), posted_at=at,
            posted_by_id=by, prev_hash=prev, hash=digest,
        )  # fmt: skip
        rows.append(row)
        prev = digest
    made = Posting.objects.bulk_create(rows, batch_size=2000)
    Leg.objects.bulk_create(
        [
            Leg(posting_id=p.pk, account_id=a, amount=n, district_code=code[:6])
            for p, e in zip(made, entries, strict=True)
            for a, n in e.legs
        ],
        batch_size=2000,
    )
    try:
        with transaction.atomic():
            _add_to_balances(deltas)
    except IntegrityError as exc:  # the database's check, the last guard
        raise Conflict(gettext("积分余额不足，不能记账")) from exc
    LedgerHead.objects.filter(pk=head.pk).update(seq=seq, hash=prev)
    return made


@transaction.atomic
def posting_reverse(*, actor: Actor, posting_id: int, reason: str) -> Posting:
    """冲正: a new posting with every leg negated; the original stays as it was."""
    # The original's row locked: two reversals at once wait for each other (the second finds the first).
    original = Posting.objects.select_for_update().filter(pk=posting_id).first()
    if original is None:
        raise NotFound()
    require(actor, "points.manage_ledger", original)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(gettext("请填写冲正原因"), fields={"reason": gettext("请填写冲正原因")})
    if original.kind == PostingKind.REVERSAL or Posting.objects.filter(reverses=original).exists():
        raise Conflict(gettext("该分录已冲正或本身是冲正分录，不能再次冲正"))
    legs = list(Leg.objects.filter(posting=original).select_related("account"))
    # Lock the household accounts first (lock order), then check they can give the points back.
    for leg in legs:
        if leg.account.kind == AccountKind.HOUSEHOLD:
            acc = Account.objects.select_for_update().get(pk=leg.account_id)
            if acc.balance - leg.amount < 0:
                raise Conflict(gettext("家庭积分已使用，余额不足以冲正"))
    if len(reason) > 150:
        raise ValidationFailed(
            gettext("冲正原因请控制在150字以内"), fields={"reason": gettext("冲正原因请控制在150字以内")}
        )
    try:
        posting = post_entry(
            actor=actor,
            community_code=original.community_code,
            kind=PostingKind.REVERSAL,
            memo=f"冲正第{original.seq}号：{reason}",
            legs=[(leg.account, -leg.amount) for leg in legs],
            rule_id=original.rule_id,
            reverses_id=original.pk,
        )
    except IntegrityError as exc:  # the one-to-one ``reverses``: the last guard against a second reversal
        raise Conflict(gettext("该分录已冲正，不能再次冲正")) from exc
    audit_record(
        actor=actor,
        target=posting,
        event="points.posting_reversed",
        data={"reverses": original.seq, "reason": reason},
    )
    return posting


@transaction.atomic
def balances_rebuild(*, actor: Actor | None, district_code: str, write: bool = False) -> dict[str, Any]:
    """Sums every leg of the district per account and compares with the cached balances; with ``write``
    the cache is set to the sums (an audit row names the accounts that differed)."""
    if actor is not None:
        place = SimpleNamespace(
            district_code=district_code, subdistrict_code="", community_code="", grid_code=""
        )
        require(actor, "points.rebuild_balances", place)
    legs, diffs = ledger.balance_differences(district_code=district_code)
    if write and diffs:
        accounts = list(Account.objects.select_for_update().filter(pk__in=sorted(diffs)))
        for acc in accounts:
            acc.balance = diffs[acc.pk][1]
        Account.objects.bulk_update(accounts, ["balance"])
        audit_record(
            actor=actor,
            target=accounts[0],
            event="points.balances_rebuilt",
            data={
                "accounts": len(diffs),
                "differences": {str(k): list(v) for k, v in list(diffs.items())[:50]},
            },
        )
    return {"legs": legs, "differing_accounts": len(diffs), "written": bool(write and diffs)}


@transaction.atomic
def year_close(*, actor: Actor | None, community_id: int, year: int) -> YearClose:
    """The year end of a community, once: carried over (nothing moves) or expired (every household's
    balance goes to the expiry account in one posting per household), as the community's scheme says."""
    from gongzhi.places.models import Community

    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        raise NotFound()
    require(actor, "points.manage_rule", community)
    if year >= timezone.localdate().year:
        raise ValidationFailed(
            gettext("只能处理已结束的年度"), fields={"year": gettext("只能处理已结束的年度")}
        )
    if YearClose.objects.filter(community=community, year=year).exists():
        raise Conflict(gettext("%(year)s年度积分已处理，不能重复处理") % {"year": year})
    scheme = scheme_of(community)
    done = YearClose(community=community, year=year, rule=scheme.year_end)
    done.set_place_codes(community_code=community.code)
    if scheme.year_end == YearEnd.EXPIRE:
        expired = community_account(community, AccountKind.EXPIRED)
        for acc in (
            Account.objects.select_for_update()
            .filter(community=community, kind=AccountKind.HOUSEHOLD, balance__gt=0)
            .order_by("pk")
        ):
            post_entry(
                actor=actor,
                community_code=community.code,
                kind=PostingKind.EXPIRY,
                memo=f"{year}年度积分清零",
                legs=[(acc, -acc.balance), (expired, acc.balance)],
            )
            done.households += 1
            done.points += acc.balance
    done.save()
    audit_record(
        actor=actor,
        target=done,
        event="points.year_closed",
        data={"year": year, "rule": done.rule, "households": done.households, "points": done.points},
    )
    return done
