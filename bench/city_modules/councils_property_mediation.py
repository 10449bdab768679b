"""Where residents are heard and disputes settled: the 民情议事会 with their meetings, topics,
resolutions and milestones, and 书记有约; the property companies serving the estates and the
households' quarterly ratings of them; the mediation committees, rooms, cases and dispute warnings.

====================================  ===========================================  ===================
table (figure)                        demo at scale 1 → ratio                      city at scale 1
====================================  ===========================================  ===================
councils_council / meeting / topic /  a community: 1 / 2.25 / 8.5 / 3.2, a         2,016 / 4,536 /
resolution / resolutionmilestone      milestone each, 1 in 16 communities with     17,136 / 6,426 /
(topics, resolutions,                 one overdue                                  6,426 (~130 overdue)
milestones_overdue)
councils_appointmentplace / session   2 a community, one session a month each      4,032 / 48,384
(appointment_sessions)
property_propertycompany              12 → 0.0074 %                                ~750
property_estateservice                one per estate, by a company                 20,000
property_propertyrating               a tenth of households a quarter, 4 quarters  1,400,000
(property_ratings, _score_sum)
mediation_committee / room            1 a community + 1 a subdistrict / 1 a comm.  2,160 / 2,016
mediation_case (cases, _concluded,    93 / 16 = 5.8 a community, 2 in 3 agreed     ~11,700
_agreed)
mediation_disputewarning              9 / 16 = 0.56 a community                    ~1,130
(warnings_open, warnings layer)
====================================  ===========================================  ===================
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from bench.city_modules.held import Grid, fetch, grid_codes
from bench.city_modules.writer import (
    BASE,
    DEMO_PERSONS,
    Phones,
    Writer,
    month_back,
    timezone_year,
    token,
    uscc,
)

# Per person of the city (the demo's district totals over its 161,700 persons).
COMPANIES = 12 / DEMO_PERSONS
# Per community (the demo's 16).
TOPICS = 136 / 16
MEETINGS = 36 / 16
RESOLUTIONS = 51 / 16
OVERDUE_MILESTONES = 1 / 16
APPOINTMENT_PLACES = 2
CASES = 93 / 16
WARNINGS = 9 / 16
# Per household, per quarter.
RATED_SHARE = 0.1


def councils(w: Writer) -> None:
    """A 民情议事会 per community with its meetings, topics in every state, resolutions being carried out
    with a milestone each (a few overdue), and 书记有约 at two places a month."""
    c, rng, now, today = w.city, random.Random(w.rng.random()), w.now, w.today
    councils, meetings, topics, resolutions, milestones = [], [], [], [], []
    open_states = ("proposed", "accepted", "consulting", "scheduled", "declined", "voted_down")
    done_states = ("implementing", "resolved", "completed", "published")
    overdue = w.each_community(OVERDUE_MILESTONES)
    n_topics = w.each_community(TOPICS, at_least=1)
    n_meetings = w.each_community(MEETINGS, at_least=1)
    n_resolutions = w.each_community(RESOLUTIONS, at_least=1)
    numbers: dict[str, int] = defaultdict(int)
    for comm in c.communities:
        i = comm.index
        staff = c.community_staff(comm)
        cid = w.ids("councils_council")
        councils.append((
            cid, now - dt.timedelta(days=600), now, *comm.codes, comm.id, None, f"{comm.name}民情议事会",
            "community", "6+x", "", today - dt.timedelta(days=600), today + dt.timedelta(days=495), True, staff,
        ))  # fmt: skip
        held = []
        for k in range(n_meetings[i]):
            mid = w.ids("councils_meeting")
            day = today - dt.timedelta(days=30 + (k * 290) // max(1, n_meetings[i]) + rng.randint(0, 20))
            start = w.city.local(day, 19)
            held.append((mid, start))
            meetings.append((
                mid, start - dt.timedelta(days=7), start, *comm.codes, cid, f"{comm.name}民情议事会第{k + 1}次会议",
                start, start + dt.timedelta(hours=2), f"{comm.name}党群服务中心", None, "held", token(f"cm{mid}"),
                f"{comm.name}党委书记", "社区工作者", "会议就议题逐项表决，形成决议。", start, "", 7,
            ))  # fmt: skip
        n_res = min(n_resolutions[i], n_topics[i])
        for k in range(max(n_topics[i], n_res)):
            tid = w.ids("councils_topic")
            mid, start = held[k % len(held)]
            resolved = k < n_res
            status = done_states[k % len(done_states)] if resolved else open_states[k % len(open_states)]
            late = resolved and k < overdue[i]
            if late:
                status = "implementing"
            created = start - dt.timedelta(days=rng.randint(10, 40))
            topics.append((
                tid, created, now, *comm.codes, cid, f"{comm.name}议题{k + 1}", "", "resident", None, status,
                False, None, "居民", "不属于议事范围" if status == "declined" else "", None, None, 0, 0, 0, "", "",
                None, mid if resolved or status == "voted_down" else None, start if resolved else created,
            ))  # fmt: skip
            if not resolved:
                continue
            rid = w.ids("councils_resolution")
            year = timezone_year(start)
            numbers[f"{comm.code}-{year}"] += 1
            completed = start + dt.timedelta(days=60) if status in ("completed", "published") else None
            resolutions.append((
                rid, start, now, *comm.codes, tid, mid, f"{comm.code}-{year}-{numbers[f'{comm.code}-{year}']:03d}",
                "会议通过，按决议落实", "社区居委会", staff, start.date() + dt.timedelta(days=90),
                100 if completed else 50, start + dt.timedelta(days=1), completed, "已落实" if completed else "",
                completed, 0, 0, "[]", "[]",
            ))  # fmt: skip
            if late:
                due, done = today - dt.timedelta(days=rng.randint(3, 30)), None
            elif completed:
                due, done = start.date() + dt.timedelta(days=45), start.date() + dt.timedelta(days=40)
            else:
                due, done = today + dt.timedelta(days=rng.randint(10, 60)), None
            milestones.append(
                (w.ids("councils_resolutionmilestone"), start, now, rid, "完成实施", due, done, "")
            )
    w.copy(
        "councils_council",
        [*BASE, "community_id", "estate_id", "name", "kind", "pattern", "description", "term_start",
         "term_end", "active", "created_by_id"],
        councils,
    )  # fmt: skip
    w.copy(
        "councils_meeting",
        [*BASE, "council_id", "title", "starts_at", "ends_at", "location", "venue_id", "status", "qr_token",
         "host", "recorder", "minutes", "held_at", "cancel_reason", "attended_count"],
        meetings,
    )  # fmt: skip
    w.copy(
        "councils_topic",
        [*BASE, "council_id", "title", "description", "source_kind", "source_id", "status", "major",
         "proposed_by_id", "proposer_label", "decline_reason", "consultation_opens_on",
         "consultation_closes_on", "opinions_support", "opinions_oppose", "opinions_neutral", "review_by",
         "review_opinion", "reviewed_at", "meeting_id", "status_changed_at"],
        topics,
    )  # fmt: skip
    w.copy(
        "councils_resolution",
        [*BASE, "topic_id", "meeting_id", "number", "content", "owner_name", "owner_id", "due_on",
         "progress", "notice_published_at", "completed_at", "result", "result_published_at", "rating_count",
         "rating_sum", "ticket_ids", "project_ids"],
        resolutions,
    )  # fmt: skip
    w.copy(
        "councils_resolutionmilestone",
        ["id", "created_at", "updated_at", "resolution_id", "title", "due_on", "done_on", "note"],
        milestones,
    )
    places, sessions = [], []
    for comm in c.communities:
        secretary = c.community_staff(comm)
        for k in range(APPOINTMENT_PLACES):
            pid = w.ids("councils_appointmentplace")
            name = f"{comm.name}党群服务中心" if k == 0 else f"{w.estate_name[comm.grids[-1].index]}议事亭"
            places.append((pid, now, now, *comm.codes, comm.id, name, name, True))
            for m in range(12):
                month = month_back(today, m)
                day = month.replace(day=min(28, 5 + 10 * k))
                is_held = day <= today
                sessions.append((
                    w.ids("councils_appointmentsession"), w.city.local(day, 8), now, *comm.codes, pid, day,
                    f"{comm.name}党委书记", "community", secretary, "held" if is_held else "planned",
                    rng.randint(3, 15) if is_held else 0, "", "", w.city.local(day, 11) if is_held else None,
                ))  # fmt: skip
    w.copy("councils_appointmentplace", [*BASE, "community_id", "name", "address", "active"], places)
    w.copy(
        "councils_appointmentsession",
        [*BASE, "place_id", "date", "secretary_name", "secretary_kind", "secretary_id", "status", "visitors",
         "activities", "notes", "held_at"],
        sessions,
    )  # fmt: skip


def property_companies(w: Writer) -> None:
    """Property companies of each district, a company's service for every estate and a tenth of the
    households rating their estate's company every quarter of the year."""
    c, rng, now, today = w.city, random.Random(w.rng.random()), w.now, w.today
    phones = Phones("151")
    companies = []
    of_district: dict[str, list[int]] = defaultdict(list)
    for comm, n in zip(c.communities, w.per_community(COMPANIES), strict=True):
        for _k in range(n):
            cid = w.ids("property_propertycompany")
            of_district[comm.district].append(cid)
            name = f"{comm.name.removesuffix('社区')}物业服务有限公司{cid}"
            companies.append((
                cid, now, now, comm.district, comm.sub, "", "", name, uscc(f"91{comm.district}MB", cid),
                f"{comm.name}{rng.randint(1, 200)}号", "项目经理", *phones.next(), f"{name}党支部",
                rng.randint(3, 20), "", None, cid % 4 == 0, True,
            ))  # fmt: skip
    w.copy(
        "property_propertycompany",
        [*BASE, "name", "uscc", "address", "manager_name", "phone_encrypted", "phone_hash", "phone_masked",
         "party_org_name", "party_members", "party_lead_name", "party_lead_id", "red_brand", "active"],
        companies,
    )  # fmt: skip
    company_of: dict[int, int] = {}  # grid index (its estate) → company
    services = []
    for g in c.grids:
        mine = of_district[g.code[:6]]
        company_of[g.index] = mine[g.index % len(mine)]
        services.append((
            w.ids("property_estateservice"), now, now, *grid_codes(g.code), w.estate_of[g.index],
            "company", company_of[g.index], today - dt.timedelta(days=700 + g.index % 300), None, True,
        ))  # fmt: skip
    w.copy(
        "property_estateservice",
        [*BASE, "estate_id", "kind", "company_id", "starts_on", "ends_on", "current"],
        services,
    )
    from gongzhi.property.services._validation import quarter_containing

    q = quarter_containing(today)
    quarters = [q.previous().previous().previous(), q.previous().previous(), q.previous(), q]
    hh_grid, grids = c.hh_grid, c.grids
    happy = [3.2 + (g.index % 7) * 0.25 for g in grids]

    def ratings() -> Iterator[tuple[Any, ...]]:
        rid = 0
        for quarter in quarters:
            first, last = quarter.start, min(quarter.end, today)
            span = max(0, (last - first).days)
            chosen = sorted(rng.sample(range(1, len(hh_grid)), round(RATED_SHARE * (len(hh_grid) - 1))))
            for h in chosen:
                gi = hh_grid[h]
                if gi < 0:
                    continue
                g = grids[gi]
                rid += 1
                at = w.city.local(first + dt.timedelta(days=rng.randint(0, span)), 19, rng.randrange(60))
                if at > now:
                    at = now
                score = max(1, min(5, round(rng.gauss(happy[gi], 0.8))))
                yield (
                    rid, at, at, *grid_codes(g.code), h, w.estate_of[gi], quarter.key, None,
                    company_of[gi], score, None, None, None, None, "",
                )  # fmt: skip

    w.copy(
        "property_propertyrating",
        [*BASE, "household_id", "estate_id", "quarter", "rated_by_id", "company_id", "company_score",
         "committee_id", "committee_score", "branch_id", "branch_score", "comment"],
        ratings(),
    )  # fmt: skip
    w.ids.last["property_propertyrating"] = w.rows.get("property_propertyrating", 0)


def mediation(w: Writer) -> None:
    """A committee per community (its room at the community's 人民调解室) and per subdistrict, the
    year's cases (two in three agreed, some unresolved, transferred or still being mediated) and the
    open warnings of the week."""
    from gongzhi.demo.mediation import DISPUTES
    from gongzhi.mediation.enums import ROOM_STANDARDS

    c, rng, now, today = w.city, random.Random(w.rng.random()), w.now, w.today
    committees, rooms = [], []
    committee_of: dict[int, int] = {}
    room_of: dict[int, int] = {}
    standards = json.dumps([k for k, _label in ROOM_STANDARDS])
    names: dict[str, set[str]] = defaultdict(set)
    sub_names = {code: name for _i, code, name in c.subdistricts}

    def unique(district: str, name: str) -> str:
        out, k = name, 2
        while out in names[district]:
            out, k = f"{name}（{k}）", k + 1
        names[district].add(out)
        return out

    for _i, code, name in c.subdistricts:
        committees.append((
            w.ids("mediation_committee"), now, now, code[:6], code, "", "",
            unique(code[:6], f"{name}人民调解委员会"), name, "subdistrict", "", "", True,
        ))  # fmt: skip
    for comm in c.communities:
        cid = w.ids("mediation_committee")
        committee_of[comm.index] = cid
        title = unique(comm.district, f"{sub_names.get(comm.sub, '')}{comm.name}人民调解委员会")
        committees.append((cid, now, now, *comm.codes, title, comm.name, "community", "", "", True))
        room_of[comm.index] = w.ids("mediation_room")
        rooms.append((
            room_of[comm.index], now, now, *comm.codes, cid, f"{comm.name}人民调解室",
            f"{comm.name}居委会二楼", w.mediation_room.get(comm.index), "工作日 9:00—17:00", standards,
        ))  # fmt: skip
    w.copy(
        "mediation_committee",
        [*BASE, "name", "short_name", "level", "speciality", "chair", "active"],
        committees,
    )
    w.copy(
        "mediation_room",
        [*BASE, "committee_id", "name", "place", "venue_id", "hours", "standards"],
        rooms,
    )
    cases, warnings = [], []
    seqs: dict[tuple[int, int], int] = defaultdict(int)
    agreements: dict[tuple[int, int], int] = defaultdict(int)
    n_cases = w.each_community(CASES, at_least=1)
    n_warnings = w.each_community(WARNINGS)
    monday = today - dt.timedelta(days=today.weekday())
    for comm in c.communities:
        cid = committee_of[comm.index]
        room = room_of[comm.index]
        reporter = c.community_staff(comm)
        for k in range(n_cases[comm.index]):
            kind, title, facts, amount, terms, performance = DISPUTES[(comm.index + k) % len(DISPUTES)]
            g = comm.grids[k % len(comm.grids)]
            registered = today - dt.timedelta(days=rng.randint(5, 320))
            seqs[(cid, registered.year)] += 1
            accepted = registered + dt.timedelta(days=1)
            end = min(today, registered + dt.timedelta(days=rng.randint(5, 25)))
            fate = k % 6
            row: dict[str, Any] = {
                "status": "mediating", "outcome": "", "agreement_seq": None, "agreement_terms": "",
                "performance": "", "agreed_on": None, "ended_on": None, "end_note": "", "transfer_kind": "",
                "transfer_body": "", "kept": None, "satisfaction": "", "closed_on": None,
            }  # fmt: skip
            if fate < 4:
                agreements[(cid, end.year)] += 1
                row.update(
                    status="agreed", outcome="agreement", agreement_seq=agreements[(cid, end.year)],
                    agreement_terms=terms, performance=performance, agreed_on=end, ended_on=end,
                )  # fmt: skip
            elif fate == 4:
                row.update(
                    status="failed",
                    outcome="no_agreement",
                    ended_on=end,
                    end_note="告知可申请仲裁或向人民法院起诉",
                )
            elif k % 12 == 5:
                row.update(status="transferred", outcome="transfer", ended_on=end, closed_on=end,
                           transfer_kind="judicial", transfer_body="区人民法院诉前调解中心")  # fmt: skip
            cases.append((
                w.ids("mediation_case"), w.city.local(registered, 10), now, *grid_codes(g.code), cid,
                room, registered.year, seqs[(cid, registered.year)], "grid_worker", kind, title, facts,
                Decimal(amount) if amount else None, row["status"], row["outcome"], reporter, None, registered,
                accepted, w.city.local(accepted + dt.timedelta(days=30), 17, 30), "", row["agreement_seq"],
                row["agreement_terms"], row["performance"], row["agreed_on"], row["ended_on"], row["end_note"],
                row["transfer_kind"], row["transfer_body"], None, None, "", None, None, "", row["kept"], None,
                "", row["satisfaction"], row["closed_on"],
            ))  # fmt: skip
        for k in range(n_warnings[comm.index]):
            g = comm.grids[k % len(comm.grids)]
            week = monday - dt.timedelta(days=7 * (k // 3))
            h = c.household_in(g, k)
            evidence = ticket_numbers(w, g)
            times = max(3, len(evidence))
            warnings.append((
                w.ids("mediation_disputewarning"), w.city.local(week, 6), now, *grid_codes(g.code),
                "repeat", week, f"household:{h}", f"{w.estate_name[g.index]}一户30天内反映{times}次", times,
                json.dumps(evidence), None, "taken" if k % 2 else "open", reporter if k % 2 else None, "", None,
            ))  # fmt: skip
    w.copy(
        "mediation_case",
        [*BASE, "committee_id", "room_id", "year", "seq", "source", "kind", "title", "facts", "amount",
         "status", "outcome", "reported_by_id", "ticket_id", "registered_on", "accepted_on", "due_at",
         "extended_reason", "agreement_seq", "agreement_terms", "performance", "agreed_on", "ended_on",
         "end_note", "transfer_kind", "transfer_body", "reported_up_on", "reported_up_by_id", "report_reason",
         "reply_due", "replied_on", "reply", "kept", "followed_up_on", "follow_note", "satisfaction",
         "closed_on"],
        cases,
    )  # fmt: skip
    w.copy(
        "mediation_disputewarning",
        [*BASE, "kind", "week_start", "key", "subject", "count", "evidence", "case_id", "status",
         "handler_id", "action", "closed_on"],
        warnings,
    )  # fmt: skip


def ticket_numbers(w: Writer, grid: Grid, n: int = 3) -> list[str]:
    """The numbers of the grid's latest tickets (a warning's evidence), as the tickets show them."""
    from django.utils import timezone

    out = []
    for pk, created in fetch(
        w.sink, "SELECT id, created_at FROM tickets_ticket WHERE grid_code = %s ORDER BY id DESC LIMIT %s",
        [grid.code, n],
    ):  # fmt: skip
        at = created if isinstance(created, dt.datetime) else dt.datetime.fromisoformat(str(created))
        at = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
        out.append(f"{timezone.localtime(at):%Y%m%d}-{int(pk):07d}")
    return out
