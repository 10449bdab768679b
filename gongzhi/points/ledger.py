"""The ledger's arithmetic, beside the app shape: the hash of a posting in its community's chain, and the
check of a chain (``manage.py points_verify``) and of the balances (sum of legs against the cache).

A posting's hash covers its community, sequence number, kind, memo, time (microseconds), rule, the
posting it reverses, every leg (account and amount, in account order) and the previous hash: editing any
stored field of a posting or a leg, removing or inserting one, breaks the chain from there on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

GENESIS = "0" * 64
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def micros(at: dt.datetime) -> int:
    return (at - _EPOCH) // dt.timedelta(microseconds=1)


def posting_hash(
    *,
    prev_hash: str,
    community_code: str,
    seq: int,
    kind: str,
    memo: str,
    posted_at: dt.datetime,
    rule_id: int | None,
    reverses_id: int | None,
    legs: Iterable[tuple[int, int]],
) -> str:
    body = "|".join(
        [
            prev_hash,
            community_code,
            str(seq),
            kind,
            memo,
            str(micros(posted_at)),
            str(rule_id or ""),
            str(reverses_id or ""),
            ";".join(f"{a}:{n}" for a, n in sorted(legs)),
        ]
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass
class ChainReport:
    community_code: str
    postings: int = 0
    legs: int = 0
    head_seq: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_chain(community_code: str, head_seq: int, head_hash: str) -> ChainReport:
    """Walks a community's postings in ``seq`` order (streamed) and reports every break in Chinese."""
    from gongzhi.points.models import Leg, Posting

    report = ChainReport(community_code=community_code, head_seq=head_seq)
    prev, expected_seq = GENESIS, 1
    postings = Posting.objects.filter(community_code=community_code).order_by("seq")
    legs_of: dict[int, list[tuple[int, int]]] = {}
    batch: list[Posting] = []

    def flush(rows: Sequence[Posting]) -> None:
        nonlocal prev, expected_seq
        legs_of.clear()
        for pid, acc, amount in Leg.objects.filter(posting_id__in=[p.pk for p in rows]).values_list(
            "posting_id", "account_id", "amount"
        ):
            legs_of.setdefault(pid, []).append((acc, amount))
        for p in rows:
            legs = legs_of.get(p.pk, [])
            report.postings += 1
            report.legs += len(legs)
            if p.seq != expected_seq:
                report.problems.append(f"第{expected_seq}号分录缺失或顺序错乱（实际为第{p.seq}号）")
            if sum(n for _a, n in legs) != 0:
                report.problems.append(f"第{p.seq}号分录借贷不平衡")
            if len(legs) != p.leg_count:
                report.problems.append(f"第{p.seq}号分录的明细条数与登记不符")
            if p.prev_hash != prev:
                report.problems.append(f"第{p.seq}号分录的前序哈希与上一条不符")
            digest = posting_hash(
                prev_hash=p.prev_hash,
                community_code=p.community_code,
                seq=p.seq,
                kind=p.kind,
                memo=p.memo,
                posted_at=p.posted_at,
                rule_id=p.rule_id,
                reverses_id=p.reverses_id,
                legs=legs,
            )
            if digest != p.hash:
                report.problems.append(f"第{p.seq}号分录的内容已被改动（哈希不符）")
            prev, expected_seq = p.hash, p.seq + 1

    for p in postings.iterator(chunk_size=2000):
        batch.append(p)
        if len(batch) >= 2000:
            flush(batch)
            batch = []
    if batch:
        flush(batch)
    if report.postings != head_seq or (report.postings and prev != head_hash):
        report.problems.append(f"账本末端记录（第{head_seq}号）与分录链不符")
    return report


def balance_differences(
    district_code: str = "", community_code: str = ""
) -> tuple[int, dict[int, tuple[int, int]]]:
    """Sums the legs per account (one grouped query) and compares with the cached balances: returns the
    number of legs summed and {account id: (cached, from legs)} for every account that differs."""
    from django.db.models import Count, Sum

    from gongzhi.points.models import Account, Leg

    legs = Leg.objects.all()
    accounts = Account.objects.all()
    if district_code:
        legs, accounts = (
            legs.filter(district_code=district_code),
            accounts.filter(district_code=district_code),
        )
    if community_code:
        legs = legs.filter(account__community_code=community_code)
        accounts = accounts.filter(community_code=community_code)
    sums: dict[int, int] = {}
    n = 0
    for acc, total, count in (
        legs.values("account_id").annotate(t=Sum("amount"), c=Count("id")).values_list("account_id", "t", "c")
    ):
        sums[acc] = int(total or 0)
        n += count
    out: dict[int, tuple[int, int]] = {}
    for acc, cached in accounts.values_list("id", "balance"):
        derived = sums.get(acc, 0)
        if derived != cached:
            out[acc] = (cached, derived)
    return n, out
