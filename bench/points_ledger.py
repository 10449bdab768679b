"""Times the points ledger: postings per second through the services on a ledger of ``--postings``
postings (default 1,000,000), redemptions per second, and the balance rebuild of the district (every leg
summed per account and compared with the cached balances).

    python -m bench.points_ledger [--postings 1000000] [--n 2000] [--pg postgres://…/db] [--quick]

The ledger is first filled through the service's bulk path (``post_entries``, 5,000 postings a
transaction), then ``claims_approve_batch`` posts ``--n`` approved claims in review lists of ``--batch``
(one transaction, one chain-head lock, bulk writes, one audit row per list), ``claim_decide`` posts a
tenth of that one by one, and ``redemption_make``
redeems ``--n`` items at the counter. SQLite file under var/bench/ unless ``--pg``. Targets: ≥ 1,000
postings/s through the service; rebuild of 1 M legs < 30 s. Prints one JSON document.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from typing import Any

TARGET_POSTINGS_PER_SECOND = 1000
TARGET_REBUILD_SECONDS_PER_MILLION_LEGS = 30


def _setup(pg: str) -> str:
    from bench._db import fresh_database

    return fresh_database("points", pg)


def _world(households: int) -> dict[str, Any]:
    from gongzhi.accounts.services import role_assign, user_create
    from gongzhi.core.roles import Role
    from gongzhi.places.services import (
        community_create,
        district_create,
        grid_create,
        household_create,
        subdistrict_create,
    )
    from gongzhi.points.services.rules import RuleInput, rule_create
    from gongzhi.points.services.shop import goods_create

    district = district_create(actor=None, code="370115", name="济阳区")
    sub = subdistrict_create(actor=None, district=district, code="370115001000", name="济阳街道")
    community = community_create(actor=None, subdistrict=sub, code="370115001001", name="银山社区")
    grid = grid_create(
        actor=None, community=community, code="370115001001001", name="第1网格", kind="residential"
    )
    hh = [
        household_create(
            actor=None,
            grid=grid,
            estate_name="银山小区",
            building_number=str(1 + i // 100),
            entrance="1",
            door=f"{i % 100 + 1}01",
        )
        for i in range(households)
    ]
    staff = user_create(
        actor=None,
        username="bench-sj",
        password="bench-Passw0rd-1",  # noqa: S106 (a bench account in a throwaway database)
        display_name="书记",
        validate_password=False,
    )
    role_assign(actor=None, user=staff, role=Role.COMMUNITY_SECRETARY, place_code=community.code)
    today = dt.date.today()
    rule = rule_create(
        actor=None,
        community_id=community.pk,
        data=RuleInput(
            code="B01",
            name="好人好事",
            direction="award",
            category="conduct",
            points_min=1,
            points_max=10,
            valid_from=today - dt.timedelta(days=30),
        ),
    )
    goods = goods_create(actor=None, community_id=community.pk, name="毛巾", price=1, stock=1_000_000)
    return {"community": community, "households": hh, "staff": staff, "rule": rule, "goods": goods}


def _prefill(w: dict[str, Any], postings: int) -> float:
    """``postings`` awards on the chain through the service's bulk path (``post_entries``: the chain head
    locked once per batch, hashes chained in Python, postings and legs by ``bulk_create``, one balance
    statement), 5,000 postings per transaction."""
    from django.db import transaction
    from django.utils import timezone

    from gongzhi.points.enums import AccountKind
    from gongzhi.points.services.ledger import Entry, community_account, household_account, post_entries

    t = time.perf_counter()
    community = w["community"]
    accounts = [household_account(h).pk for h in w["households"]]
    issuer = community_account(community, AccountKind.ISSUER).pk
    rule_id = w["rule"].pk
    now = timezone.now() - dt.timedelta(days=1)
    done, batch = 0, 5000
    while done < postings:
        n = min(batch, postings - done)
        entries = []
        for i in range(done, done + n):
            amount = 1 + i % 5
            entries.append(
                Entry(
                    kind="award",
                    memo="B01 好人好事",
                    legs=((accounts[i % len(accounts)], amount), (issuer, -amount)),
                    rule_id=rule_id,
                )
            )
        with transaction.atomic():
            post_entries(
                actor=None,
                community_code=community.code,
                entries=entries,
                now=now + dt.timedelta(seconds=done // batch),
            )
        done += n
    return time.perf_counter() - t


def _claims(w: dict[str, Any], n: int) -> list[int]:
    from gongzhi.points.models import Claim

    today = dt.date.today()
    rows = []
    for i in range(n):
        h = w["households"][i % len(w["households"])]
        c = Claim(
            rule=w["rule"],
            household=h,
            source="grid_worker",
            points=3,
            description="帮扶邻里",
            occurred_on=today,
        )
        c.set_place_codes(grid_code=h.grid_code)
        rows.append(c)
    return [c.pk for c in Claim.objects.bulk_create(rows)]


def run(args: argparse.Namespace) -> dict[str, Any]:
    engine = _setup(args.pg)
    from gongzhi.points import ledger
    from gongzhi.points.models import Account, LedgerHead
    from gongzhi.points.services.claims import claim_decide, meeting_record
    from gongzhi.points.services.ledger import balances_rebuild
    from gongzhi.points.services.review import claims_approve_batch
    from gongzhi.points.services.shop import redemption_make

    w = _world(args.households)
    prefill_s = _prefill(w, args.postings)
    meeting = meeting_record(
        actor=w["staff"],
        community_id=w["community"].pk,
        held_on=dt.date.today(),
        members_present="积分管理小组",
    )
    ids = _claims(w, args.n)
    t = time.perf_counter()
    for i in range(0, len(ids), args.batch):
        claims_approve_batch(actor=w["staff"], meeting_id=meeting.pk, claim_ids=ids[i : i + args.batch])
    post_s = time.perf_counter() - t
    single = _claims(w, max(args.n // 10, 1))
    t = time.perf_counter()
    for pk in single:
        claim_decide(actor=w["staff"], claim_id=pk, meeting_id=meeting.pk, outcome="approve")
    single_s = time.perf_counter() - t
    codes = list(Account.objects.filter(kind="household").values_list("code", flat=True))
    t = time.perf_counter()
    for i in range(args.n):
        redemption_make(
            actor=w["staff"], goods_id=w["goods"].pk, household_code=codes[i % len(codes)], channel="counter"
        )
    redeem_s = time.perf_counter() - t
    t = time.perf_counter()
    rebuilt = balances_rebuild(actor=None, district_code="370115")
    rebuild_s = time.perf_counter() - t
    head = LedgerHead.objects.get()
    t = time.perf_counter()
    chain = ledger.verify_chain(head.community_code, head.seq, head.hash)
    verify_s = time.perf_counter() - t
    legs = rebuilt["legs"]
    per_s = args.n / post_s if post_s else 0.0
    return {
        "benchmark": "points_ledger",
        "database": engine,
        "postings_prefilled": args.postings,
        "prefill_seconds": round(prefill_s, 1),
        "postings_total": head.seq,
        "legs_total": legs,
        "service_postings": {
            "service": "claims_approve_batch (the daily review's list)",
            "batch": args.batch,
            "n": args.n,
            "seconds": round(post_s, 2),
            "per_second": round(per_s, 1),
            "target": TARGET_POSTINGS_PER_SECOND,
            "met": per_s >= TARGET_POSTINGS_PER_SECOND,
        },
        "single_claim_decide": {
            "n": len(single),
            "seconds": round(single_s, 2),
            "per_second": round(len(single) / single_s, 1) if single_s else 0.0,
        },
        "redemptions": {
            "n": args.n,
            "seconds": round(redeem_s, 2),
            "per_second": round(args.n / redeem_s, 1) if redeem_s else 0.0,
        },
        "balance_rebuild": {
            "legs": legs,
            "seconds": round(rebuild_s, 2),
            "differing_accounts": rebuilt["differing_accounts"],
            "target_seconds": round(TARGET_REBUILD_SECONDS_PER_MILLION_LEGS * max(legs, 1) / 1_000_000, 2),
            "met": rebuild_s <= TARGET_REBUILD_SECONDS_PER_MILLION_LEGS * max(legs, 1_000_000) / 1_000_000,
        },
        "chain_verify": {"postings": chain.postings, "seconds": round(verify_s, 2), "ok": chain.ok},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postings", type=int, default=1_000_000)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--households", type=int, default=500)
    parser.add_argument("--batch", type=int, default=200, help="claims approved per review list")
    parser.add_argument("--pg", default="")
    parser.add_argument("--quick", action="store_true", help="20,000 postings and 300 service calls")
    args = parser.parse_args(argv)
    if args.quick:
        args.postings, args.n, args.households = 20_000, 300, 100
    out = run(args)
    json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0 if out["chain_verify"]["ok"] and out["balance_rebuild"]["differing_accounts"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
