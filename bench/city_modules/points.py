"""The points ledger (积分): the demo's rules in every district, the grid workers' claims on households,
and for the approved ones the postings, legs, accounts, ledger heads and review meetings.

The ledger is written valid, postings and legs included: every posting has its two legs summing to zero
(the household's award and the community issuer's debit), the hash chain of each community is computed
with ``points.ledger.posting_hash`` (``points_verify`` passes), the ledger head holds the last sequence
and hash, and the accounts' balances are the sums of their legs.

====================================  ===========================================  ===================
table (figure)                        demo at scale 1 → ratio                      city at scale 1
====================================  ===========================================  ===================
points_pointrule                      the demo's 9 district rules a district       108
points_claim (point_claims)           1,037 → 0.641 % of persons, on households    ~64,100
points_posting / leg / account /      153 posted of 1,037 → 1 in 7, two legs;      ~9,200 / ~18,400 /
ledgerhead / reviewmeeting            issuer + household accounts; a chain and a   ~11,200 / ~2,000 /
(points_awarded)                      review day per community and month           ~8,000
====================================  ===========================================  ===================
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import Any

from bench.city_modules.held import grid_codes
from bench.city_modules.writer import BASE, DEMO_PERSONS, Writer, month_back, secret_code

# Per person of the city (the demo's district totals over its 161,700 persons).
CLAIMS = 1_037 / DEMO_PERSONS
CLAIMS_POSTED = 153 / 1_037


def points(w: Writer) -> None:
    """The demo's district rules in every district, grid workers' claims on households (one in seven
    approved at the community's monthly review and posted on its ledger, a few rejected, the rest
    waiting), with the accounts, chains and heads the ledger services keep."""
    from gongzhi.demo.points import RULES
    from gongzhi.points.ledger import GENESIS, posting_hash

    c, rng, now, today = w.city, random.Random(w.rng.random()), w.now, w.today
    rules, rule_ids = [], []
    for district in c.districts:
        staff = c.staff.get(("district_admin", district))
        for code, name, direction, category, lo, hi, unit, evidence, cap in RULES:
            rid = w.ids("points_pointrule")
            source = "volunteer_hours" if code == "ZY01" else "manual"
            rules.append((
                rid, now, now, district, "", "", "", None, code, 1, name, direction, category, lo, hi, unit,
                evidence, cap, today - dt.timedelta(days=400), None, source, staff,
            ))  # fmt: skip
            if source == "manual":
                rule_ids.append((district, rid, code, name, direction, lo, hi))
    w.copy(
        "points_pointrule",
        [*BASE, "community_id", "code", "version", "name", "direction", "category", "points_min",
         "points_max", "unit", "evidence", "yearly_cap", "valid_from", "valid_to", "source",
         "created_by_id"],
        rules,
    )  # fmt: skip
    by_district: dict[str, list[tuple[int, str, str, str, int, int]]] = defaultdict(list)
    for district, rid, code, name, direction, lo, hi in rule_ids:
        by_district[district].append((rid, code, name, direction, lo, hi))
    # the claims: households drawn over the city, and one in every district at least
    hh_grid, grids = c.hh_grid, c.grids
    n = min(len(hh_grid) - 1, round(CLAIMS * c.persons[0]))
    drawn = [h for h in rng.sample(range(1, len(hh_grid)), n) if hh_grid[h] >= 0] if n > 0 else []
    have = {grids[hh_grid[h]].code[:6] for h in drawn}
    for comm in c.communities:
        if comm.district not in have:
            have.add(comm.district)
            drawn.append(c.household_in(comm.grids[0]))
    drawn.sort()
    posted_every = round(1 / CLAIMS_POSTED)
    posted_in: set[str] = set()
    accounts: dict[int, int] = {}  # household → account id
    issuer: dict[int, int] = {}  # community index → account id
    balance: dict[int, int] = defaultdict(int)
    claims: list[list[Any]] = []
    postings: dict[int, list[tuple[dt.datetime, int, list[Any]]]] = defaultdict(list)  # community → …
    for k, h in enumerate(drawn):
        g = grids[hh_grid[h]]
        comm = c.communities[g.community]
        mine = by_district[g.code[:6]]
        awards = [r for r in mine if r[3] == "award"]
        approved = k % posted_every == 0 or g.code[:6] not in posted_in  # one in every district at least
        if approved:
            posted_in.add(g.code[:6])
        rid, code, name, _direction, lo, hi = awards[k % len(awards)] if approved else mine[k % len(mine)]
        pts = rng.randint(lo, hi)
        occurred = today - dt.timedelta(days=rng.randint(20, 300))
        claim = [
            0, w.city.local(occurred, 16), now, *grid_codes(g.code), rid, h, None, "grid_worker", "", 1,
            pts, None, name, occurred, "", None, None, "pending", c.worker(g), None, "", None, None, None,
        ]  # fmt: skip
        if approved:
            day = min(today, month_back(occurred, -1) + dt.timedelta(days=rng.randint(0, 1)))
            at = w.city.local(day, 19)
            if h not in accounts:
                accounts[h] = -1
            claim[14], claim[20], claim[25] = pts, "approved", at  # final points, status, decided at
            postings[comm.index].append((at, len(claims), [f"{code} {name}", rid, h, pts]))
        elif k % 50 == 1:
            claim[20], claim[23] = "rejected", "现场核实与申报不符"
            claim[24], claim[25] = (
                c.community_staff(comm),
                w.city.local(occurred + dt.timedelta(days=10), 20),
            )
        claims.append(claim)
    # accounts: each community's issuer, then the households with an award
    rows: list[tuple[Any, ...]] = []
    for comm in c.communities:
        if comm.index in postings:
            issuer[comm.index] = w.ids("points_account")
    for h in sorted(accounts):
        accounts[h] = w.ids("points_account")
    meetings: dict[tuple[int, dt.date], int] = {}
    posting_rows, leg_rows, heads = [], [], []
    for ci in sorted(postings):
        comm = c.communities[ci]
        prev, seq = GENESIS, 0
        for at, claim_index, (memo, rid, h, pts) in sorted(postings[ci], key=lambda p: (p[0], p[1])):
            seq += 1
            pid = w.ids("points_posting")
            legs = [(accounts[h], pts), (issuer[ci], -pts)]
            digest = posting_hash(
                prev_hash=prev, community_code=comm.code, seq=seq, kind="award", memo=memo[:200], posted_at=at,
                rule_id=rid, reverses_id=None, legs=legs,
            )  # fmt: skip
            staff = c.community_staff(comm)
            posting_rows.append(
                (
                    pid,
                    comm.district,
                    comm.code,
                    seq,
                    "award",
                    memo[:200],
                    rid,
                    None,
                    2,
                    at,
                    staff,
                    prev,
                    digest,
                )
            )
            for account, amount in legs:
                leg_rows.append((w.ids("points_leg"), pid, account, comm.district, amount))
                balance[account] += amount
            prev = digest
            key = (ci, at.date())
            if key not in meetings:
                meetings[key] = w.ids("points_reviewmeeting")
            claim = claims[claim_index]
            claim[22], claim[24], claim[26] = meetings[key], staff, pid  # meeting, decided by, posting
        heads.append((w.ids("points_ledgerhead"), comm.code, comm.district, seq, prev))
    for comm in c.communities:
        if comm.index in issuer:
            aid = issuer[comm.index]
            rows.append((aid, now, now, *comm.codes, comm.id, "issuer", None, secret_code(aid), balance[aid]))
    for h, aid in sorted(accounts.items(), key=lambda kv: kv[1]):
        g = grids[hh_grid[h]]
        rows.append((aid, now, now, *grid_codes(g.code), c.communities[g.community].id, "household", h, secret_code(aid), balance[aid]))  # fmt: skip
    rows.sort(key=lambda r: r[0])
    w.copy("points_account", [*BASE, "community_id", "kind", "household_id", "code", "balance"], rows)
    w.copy("points_ledgerhead", ["id", "community_code", "district_code", "seq", "hash"], heads)
    w.copy(
        "points_reviewmeeting",
        [*BASE, "community_id", "held_on", "members_present", "note", "recorded_by_id"],
        (
            (mid, w.city.local(day, 19), now, *c.communities[ci].codes, c.communities[ci].id, day,
             "社区党委书记、居民代表、网格员", "", c.community_staff(c.communities[ci]))
            for (ci, day), mid in sorted(meetings.items(), key=lambda kv: kv[1])
        ),
    )  # fmt: skip
    w.copy(
        "points_posting",
        ["id", "district_code", "community_code", "seq", "kind", "memo", "rule_id", "reverses_id",
         "leg_count", "posted_at", "posted_by_id", "prev_hash", "hash"],
        posting_rows,
    )  # fmt: skip
    w.copy("points_leg", ["id", "posting_id", "account_id", "district_code", "amount"], leg_rows)
    for k, claim in enumerate(claims, start=1):
        claim[0] = k
    w.ids.last["points_claim"] = len(claims)
    w.copy(
        "points_claim",
        [*BASE, "rule_id", "household_id", "person_id", "source", "source_key", "quantity", "points",
         "final_points", "description", "occurred_on", "witness", "lng", "lat", "status", "reported_by_id",
         "meeting_id", "decision_reason", "decided_by_id", "decided_at", "posting_id"],
        claims,
    )  # fmt: skip
