"""Care and party: the care groups' memberships (the residents drawn for them in basis.py) and visits,
the party's organisation tree over the grids, the registered units, and the party members (the
residents drawn in basis.py, community-managed, and the in-service members with their accepted 报到).

====================================  ===========================================  ===================
table (figure)                        demo at scale 1 → ratio                      city at scale 1
====================================  ===========================================  ===================
care_caremembership (care_members,    tags: 独居 1.33 %, 残疾 1.92 %, 低保 1.49 %,    777,000
care_overdue, care layer)             退役 1.81 %, 老党员 1.22 % of persons = 7.77 %;
                                      12 % behind, 2 exits a community
care_visit (care_visits)              one in the last period, a year of them for   ~1,170,000
                                      1 member in 16 (the first community): 1.5
party_partyorganization (+ grids)     working committee a subdistrict, committee   ~17,300 (~19,200
(party_branches, grids_covered)       a community; 71 grid + 23 joint branches     grid links)
                                      over 147 grids, 96 % covered
party_unit (units_registered, units   140 → 0.0866 % of persons                    ~8,650
layer)
party_partymember (party_members)     1,313 community-managed (0.81 %, adults) +   ~81,000 + ~322,000
                                      5,200 in-service (3.22 %)
party_memberregistration              5,200 accepted, one per in-service member    ~322,000
(members_registered)
====================================  ===========================================  ===================
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from bench.city_modules.held import Resident, grid_codes
from bench.city_modules.writer import BASE, DEMO_PERSONS, Phones, Writer, person_names, uscc

CARE_BEHIND = 0.12  # "about one in eight is behind"
CARE_FULL_YEAR = 1 / 16  # the first community of 16 keeps a year of visits (16 weeks of the weekly)
# Per person of the city (the demo's district totals over its 161,700 persons).
UNITS = 140 / DEMO_PERSONS
IN_SERVICE = 5_200 / DEMO_PERSONS


def care(w: Writer) -> None:
    """Memberships of the care groups (12 % behind their visit, two exits a community) and their visits:
    one in the last period, a year of them for one member in 16."""
    from gongzhi.care.enums import DEFAULT_FREQUENCY, Frequency, due_after
    from gongzhi.demo.care import FINDINGS, PERIODS, STEP_DAYS, TAG_GROUPS

    rng = random.Random(w.rng.random())
    today, now = w.today, w.now
    reasons = dict(TAG_GROUPS.values()) | {"old_party_member": "党龄50年以上老党员"}
    picked: list[tuple[Resident, str]] = []
    for r in w.sample["care_elderly"]:
        picked.append((r, "elderly_alone" if rng.random() < 0.52 else "old_party_member"))
    for r in w.sample["care_other"]:
        x = rng.random() * 0.0522
        group = "disabled" if x < 0.0192 else "low_income" if x < 0.0341 else "veteran"
        if group == "veteran" and today.year - r.birth_year < 20:
            group = "disabled"
        picked.append((r, group))
    picked.sort(key=lambda p: p[0].id)
    exits: dict[int, int] = defaultdict(int)
    plans: list[tuple[Resident, str, str, dt.date, dt.date | None, tuple[dt.date, ...], dt.date | None]] = []
    for r, group in picked:
        freq = DEFAULT_FREQUENCY.get(group, Frequency.MONTHLY)
        step = STEP_DAYS[freq]
        recent = rng.random() < 0.08
        entered = today - dt.timedelta(days=rng.randint(20, 60) if recent else rng.randint(370, 720))
        behind = not recent and rng.random() < CARE_BEHIND
        last: dt.date | None
        if behind:
            last = today - dt.timedelta(days=step + rng.randint(3, 40))
        else:
            lo = max(entered, today - dt.timedelta(days=step - 3))
            last = lo + dt.timedelta(days=rng.randint(0, (today - lo).days))
        days = [last]
        if rng.random() < CARE_FULL_YEAR:
            floor = max(entered, today - dt.timedelta(days=step * PERIODS[freq]))  # the demo's year
            d = last - dt.timedelta(days=step + rng.randint(-2, 2))
            while d > floor:
                if rng.random() < 0.92:
                    days.append(d)
                d -= dt.timedelta(days=step + rng.randint(-2, 2))
        community = r.grid.community
        exited = None
        if exits[community] < 2:
            exits[community] += 1
            exited = today - dt.timedelta(days=rng.randint(1, 15))
        plans.append((r, group, freq, entered, last, tuple(days), exited))

    def memberships() -> Iterator[tuple[Any, ...]]:
        for r, group, freq, entered, last, _days, exited in plans:
            due = due_after(last or entered, freq)
            created = w.city.local(entered, 9)
            yield (
                w.ids("care_caremembership"), created, now, *grid_codes(r.grid.code), r.id, group, False,
                entered, reasons[group], exited, "搬离本社区" if exited else "", w.city.worker(r.grid), freq,
                1, last, due, due + dt.timedelta(days=1) if due < today and not exited else None,
                "exited" if exited else "active",
            )  # fmt: skip

    w.copy(
        "care_caremembership",
        [*BASE, "person_id", "group", "sensitive", "entered_on", "entry_reason", "exited_on", "exit_reason",
         "carer_id", "frequency", "risk_level", "last_visited_on", "due_on", "overdue_since", "status"],
        memberships(),
    )  # fmt: skip

    def visits() -> Iterator[tuple[Any, ...]]:
        for r, group, _freq, _entered, _last, days, _exited in plans:
            worker = w.city.worker(r.grid)
            findings = FINDINGS.get(group, FINDINGS["veteran"])
            for day in sorted(days):
                living, income, health, difficulty = findings[rng.randrange(len(findings))]
                at = w.city.local(day, 10, rng.randrange(60))
                yield (
                    w.ids("care_visit"), at, at, *grid_codes(r.grid.code), r.id, r.household, day,
                    "home" if rng.random() < 0.8 else "phone", f"{r.grid.name}网格员", worker, living, income,
                    difficulty if rng.random() < 0.3 else "", health, None, None, "none", None, None, "", "",
                    False,
                )  # fmt: skip

    w.copy(
        "care_visit",
        [*BASE, "person_id", "household_id", "visited_on", "mode", "visitors", "recorded_by_id",
         "living_conditions", "income", "difficulties", "health", "lng", "lat", "follow_up", "need_id",
         "ticket_id", "referral", "outcome", "sensitive"],
        visits(),
    )  # fmt: skip


def party(w: Writer) -> None:
    """The organisation tree (a working committee per subdistrict, a committee per community, grid and
    joint branches as the demo's computed layout has them), registered units paired with a grid,
    community-managed members (residents) and in-service members with their accepted 报到."""
    from gongzhi.party.enums import SKILLS

    c, rng, now = w.city, random.Random(w.rng.random()), w.now
    orgs: list[tuple[Any, ...]] = []
    links: list[tuple[int, int, int]] = []
    working: dict[str, int] = {}
    for _sid, code, name in c.subdistricts:
        oid = w.ids("party_partyorganization")
        working[code] = oid
        orgs.append(
            (
                oid,
                now,
                now,
                code[:6],
                code,
                "",
                "",
                None,
                "working_committee",
                f"{name}党工委",
                "",
                None,
                True,
            )
        )
    for comm in c.communities:
        oid = w.ids("party_partyorganization")
        w.committee_of[comm.index] = oid
        orgs.append((oid, now, now, *comm.codes, working.get(comm.sub), "community_committee", f"{comm.name}党委", "", None, True))  # fmt: skip
        covered = [g for g in comm.grids if g.index % 25 != 24]  # 96 % of the grids covered
        i, k = 0, 0
        while i < len(covered):
            size = (1, 1, 1, 3)[k % 4]
            chunk = covered[i : i + size]
            i, k = i + size, k + 1
            bid = w.ids("party_partyorganization")
            if len(chunk) == 1:
                g = chunk[0]
                orgs.append((bid, now, now, *grid_codes(g.code), oid, "grid_branch", f"{g.name}党支部", "", None, True))  # fmt: skip
            else:
                numbers = "、".join(str(int(g.code[-3:])) for g in chunk)
                name = f"{comm.name.removesuffix('社区')}第{numbers}网格联合党支部"
                orgs.append((bid, now, now, *comm.codes, oid, "joint_branch", name, "", None, True))
            for g in chunk:
                w.branch_of[g.index] = bid
                links.append((len(links) + 1, bid, g.id))
    w.copy(
        "party_partyorganization",
        [*BASE, "parent_id", "kind", "name", "secretary_name", "secretary_id", "active"],
        orgs,
    )
    w.ids.last["party_partyorganization_grids"] = len(links)
    w.copy("party_partyorganization_grids", ["id", "partyorganization_id", "grid_id"], links)

    kinds = ("agency", "public_institution", "state_enterprise", "school", "hospital", "company")
    patterns = ("区{}局", "区{}中心", "{}供电所", "{}小学", "{}卫生院", "{}有限公司")
    words = ("教育", "卫健", "住建", "民政", "司法", "人社", "城管", "文旅", "市场监管", "生态环境")
    units = []
    for comm, n in zip(c.communities, w.per_community(UNITS, at_least=1), strict=True):
        for k in range(n):
            uid = w.ids("party_unit")
            j = uid % len(kinds)
            word = words[uid % len(words)] if j < 2 else comm.name.removesuffix("社区")
            name = patterns[j].format(word)
            g = comm.grids[k % len(comm.grids)]
            at = now - dt.timedelta(days=rng.randint(30, 700))
            w.units[comm.index].append((uid, name))
            units.append((
                uid, at, now, *comm.codes, name, uscc(f"91{comm.district}MA", uid), kinds[j],
                f"{comm.name}{rng.randint(1, 300)}号", f"{name}党支部", comm.id, g.id, None, at,
            ))  # fmt: skip
    w.copy(
        "party_unit",
        [*BASE, "name", "uscc", "kind", "address", "party_org_name", "community_id", "paired_grid_id",
         "liaison_id", "registered_at"],
        units,
    )  # fmt: skip

    member_cols = [
        *BASE, "kind", "person_id", "name", "organization_id", "unit_id", "workplace_org", "hub_household",
        "user_id", "phone_encrypted", "phone_hash", "phone_masked", "status", "joined_on", "ended_on",
        "end_reason",
    ]  # fmt: skip

    def residents() -> Iterator[tuple[Any, ...]]:
        for r in w.sample["party"]:
            org = w.branch_of.get(r.grid.index) or w.committee_of[r.grid.community]
            yield (
                w.ids("party_partymember"), now, now, *grid_codes(r.grid.code), "community_managed", r.id,
                r.name, org, None, "", False, None, *r.phone, "active", None, None, "",
            )  # fmt: skip

    w.copy("party_partymember", member_cols, residents())
    phones = Phones("150")
    names = person_names(rng)
    skills = [k for k, _label in SKILLS]
    registrations: list[tuple[Any, ...]] = []
    for comm, n in zip(c.communities, w.per_community(IN_SERVICE, at_least=1), strict=True):
        mine = w.units.get(comm.index, [])
        decider = c.community_staff(comm)
        members = []
        for k in range(n):
            mid = w.ids("party_partymember")
            unit = mine[k % len(mine)] if mine and k % 10 < 7 else None
            at = now - dt.timedelta(days=rng.randint(1, 300), minutes=rng.randint(0, 600))
            members.append((
                mid, at, now, *comm.codes, "in_service", None, names[mid % len(names)], None,
                unit[0] if unit else None, unit[1] if unit else "济南市某机关", False, None, *phones.next(),
                "active", None, None, "",
            ))  # fmt: skip
            g = comm.grids[k % len(comm.grids)]
            chosen = rng.sample(skills, rng.randint(1, 3))
            registrations.append((
                w.ids("party_memberregistration"), at, at, *grid_codes(g.code), mid, comm.id,
                unit[0] if unit else None, f"{w.estate_name[g.index]}{rng.randint(1, 9)}号楼",
                json.dumps(chosen), "", rng.choice(("周末上午", "周末下午", "工作日晚上", "节假日")), "accepted", "",
                chosen[0], g.id, f"BD-{comm.code}-{k + 1:05d}", decider, at,
            ))  # fmt: skip
        w.copy("party_partymember", member_cols, members)
    w.copy(
        "party_memberregistration",
        [*BASE, "member_id", "community_id", "unit_id", "address", "skills", "services_offered",
         "available_times", "status", "return_reason", "classification", "grid_id", "card_number",
         "decided_by_id", "decided_at"],
        registrations,
    )  # fmt: skip
