"""The volunteers and social organisations, then the three lists of 共建 (needs, resources and the
projects that pair them): social organisations with their registry profile, the teams, the volunteers
(the residents drawn in basis.py) and a year of their activities with sign-ups, attendances and hours;
the resources of units and teams, the projects signed over the year and the open needs.

====================================  ===========================================  ===================
table (figure)                        demo at scale 1 → ratio                      city at scale 1
====================================  ===========================================  ===================
volunteers_volunteerteam              140 → 0.0866 %                               ~8,650
volunteers_volunteer, teammembership  1,893 → 1.17 % (residents 16–75)             ~117,000 each
volunteers_activity / _session        1,370 held → 0.847 % (one-offs)              ~84,700 each
signup / attendance / servicehours    10,592 → 7.73 a session                      ~650,000 each
(service_hours)
volunteers_socialorganization +       38 → 0.0235 % (one a community at least)     ~2,450 each
socialorgs_organizationprofile
(socialorgs)
cobuild_need (needs, needs_fulfilled) 345 in projects (0.213 %) + 6 open a         ~21,350 + 12,096
                                      community; 230 fulfilled (2 in 3)
cobuild_resource (resources)          560 → 0.346 %                                ~34,650
cobuild_project (projects_signed),    345 signed → 0.213 %, a need and a           ~21,350 each
projectneed, projectresource          resource each
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

from bench.city_modules.held import Community, Resident, grid_codes
from bench.city_modules.writer import BASE, DEMO_PERSONS, Writer, token

# Per person of the city (the demo's district totals over its 161,700 persons).
PROJECTS = 345 / DEMO_PERSONS
RESOURCES = 560 / DEMO_PERSONS
TEAMS = 140 / DEMO_PERSONS
SESSIONS = 1_370 / DEMO_PERSONS
ATTENDANCE_PER_SESSION = 10_592 / 1_370
SOCIAL_ORGS = 38 / DEMO_PERSONS
# Per community (the demo's 16).
OPEN_NEEDS = 6


def volunteers(w: Writer) -> None:
    """Social organisations with their registry profile, teams (the community's own, then units' and
    social organisations'), volunteers from the residents (one team each) and a year of one-off
    activities: a session each, attended by the team's volunteers with their hours (confirmed, the
    last week's pending), through sign-up and attendance as the sign-in sheet path writes them."""
    from gongzhi.socialorgs.enums import FIELDS
    from gongzhi.volunteers.services.hours import hours_between

    c, rng, now, today = w.city, random.Random(w.rng.random()), w.now, w.today
    orgs: dict[int, list[int]] = defaultdict(list)
    org_rows, profiles = [], []
    for comm, n in zip(c.communities, w.per_community(SOCIAL_ORGS, at_least=1), strict=True):
        for k in range(n):
            oid = w.ids("volunteers_socialorganization")
            orgs[comm.index].append(oid)
            field_ = FIELDS[oid % len(FIELDS)]
            name = f"{comm.name.removesuffix('社区')}{field_}服务社{'' if k == 0 else k + 1}"
            org_rows.append((oid, now, now, *comm.codes, name, "", comm.id, field_, "", "", True))
            founded = today - dt.timedelta(days=rng.randint(200, 2000))
            profiles.append((
                w.ids("socialorgs_organizationprofile"), now, now, *comm.codes, oid, "community_service",
                "filed", f"BA{comm.code}{k + 1:03d}", founded, field_, rng.randint(8, 40), "",
                w.committee_of.get(comm.index), "", "", "", "", "",
            ))  # fmt: skip
    w.copy(
        "volunteers_socialorganization",
        [
            *BASE,
            "name",
            "uscc",
            "community_id",
            "field_of_service",
            "contact_name",
            "description",
            "active",
        ],
        org_rows,
    )
    w.copy(
        "socialorgs_organizationprofile",
        [*BASE, "organization_id", "kind", "legal_status", "filing_number", "founded_on", "field",
         "members_count", "leader_name", "party_organization_id", "party_instructor", "contact_name",
         "contact_phone_encrypted", "contact_phone_hash", "contact_phone_masked"],
        profiles,
    )  # fmt: skip
    teams = []
    for comm, n in zip(c.communities, w.per_community(TEAMS, at_least=1), strict=True):
        units, mine = w.units.get(comm.index, []), orgs.get(comm.index, [])
        for k in range(n):
            tid = w.ids("volunteers_volunteerteam")
            w.teams[comm.index].append(tid)
            short = comm.name.removesuffix("社区")
            if k == 0 or (not units and not mine):
                owner, unit, org, name = (
                    "community",
                    None,
                    None,
                    f"{short}社区志愿服务队{'' if k == 0 else k + 1}",
                )
            elif k % 2 and mine:
                owner, unit, org, name = (
                    "social_organization",
                    None,
                    mine[k % len(mine)],
                    f"{short}公益志愿队{k}",
                )
            elif units:
                u = units[k % len(units)]
                owner, unit, org, name = "unit", u[0], None, f"{u[1]}志愿服务队"
            else:
                owner, unit, org, name = (
                    "social_organization",
                    None,
                    mine[k % len(mine)],
                    f"{short}公益志愿队{k}",
                )
            teams.append((
                tid, now, now, *comm.codes, name, owner, comm.id, unit, org, comm.name, json.dumps(["general"]),
                "", None, True,
            ))  # fmt: skip
    w.copy(
        "volunteers_volunteerteam",
        [*BASE, "name", "owner_kind", "community_id", "unit_id", "social_organization_id", "service_area",
         "skills", "description", "leader_id", "active"],
        teams,
    )  # fmt: skip

    # who is in which team, and the sessions each team held
    members: dict[int, list[int]] = defaultdict(list)  # team id → volunteer ids
    volunteer_rows: list[tuple[Resident, int, int]] = []  # (resident, volunteer id, team id)
    for r in w.sample["volunteers"]:
        mine_t = w.teams[r.grid.community]
        vid = w.ids("volunteers_volunteer")
        team = mine_t[vid % len(mine_t)]
        members[team].append(vid)
        volunteer_rows.append((r, vid, team))
    totals: dict[int, Decimal] = defaultdict(Decimal)
    sessions: list[tuple[Community, int, dt.date, int, list[int]]] = []  # (community, team, day, hour, who)
    for comm, n in zip(c.communities, w.per_community(SESSIONS, at_least=1), strict=True):
        mine_t = w.teams[comm.index]
        days: dict[int, set[int]] = defaultdict(set)
        for k in range(n):
            team = mine_t[k % len(mine_t)]
            back = rng.randint(1, 300)
            while back in days[team]:
                back = rng.randint(1, 300)
            days[team].add(back)
            crew = members.get(team, [])
            size = min(len(crew), max(1, round(rng.gauss(ATTENDANCE_PER_SESSION, 2))))
            sessions.append(
                (comm, team, today - dt.timedelta(days=back), 9 if k % 2 else 14, rng.sample(crew, size))
            )
    week_ago = today - dt.timedelta(days=7)
    for _comm, _team, day, _hour, who in sessions:
        if day < week_ago:
            for vid in who:
                totals[vid] += Decimal("2.0")

    from gongzhi.volunteers.enums import star_level_for

    def volunteers_() -> Iterator[tuple[Any, ...]]:
        for r, vid, _team in volunteer_rows:
            total = totals.get(vid, Decimal("0"))
            yield (
                vid, now, now, *grid_codes(r.grid.code), r.name, r.id, None, None, json.dumps(["general"]),
                "[]", "", total, star_level_for(total), True,
            )  # fmt: skip

    w.copy(
        "volunteers_volunteer",
        [*BASE, "name", "person_id", "party_member_id", "user_id", "skills", "availability",
         "availability_pattern", "total_hours", "star_level", "active"],
        volunteers_(),
    )  # fmt: skip
    w.copy(
        "volunteers_teammembership",
        [*BASE, "team_id", "volunteer_id", "role", "status", "joined_at", "left_at"],
        (
            (w.ids("volunteers_teammembership"), now, now, *c.communities[r.grid.community].codes, team,
             vid, "member", "active", now - dt.timedelta(days=330), None)
            for r, vid, team in volunteer_rows
        ),
    )  # fmt: skip
    acts, sess = [], []
    titles = (
        "“678”周末志愿服务",
        "关爱独居老人上门探访",
        "小区环境清洁行动",
        "文明交通劝导",
        "政策宣讲进楼院",
        "社区义诊",
    )
    held: list[
        tuple[tuple[str, str, str, str], int, int, dt.date, dt.datetime, dt.datetime, int | None, list[int]]
    ] = []
    for comm, team, day, hour, who in sessions:
        codes = comm.codes
        aid, sid = w.ids("volunteers_activity"), w.ids("volunteers_activitysession")
        start, end = w.city.local(day, hour), w.city.local(day, hour + 2)
        created = start - dt.timedelta(days=7)
        organizer = c.community_staff(comm)
        acts.append((
            aid, created, created, *codes, team, comm.id, "volunteer_service", titles[aid % len(titles)], "",
            f"{comm.name}党群服务中心", None, json.dumps(["general"]), 20, "one_off", None, day, day,
            f"{hour:02d}:00:00", f"{hour + 2:02d}:00:00", "published", organizer,
        ))  # fmt: skip
        sess.append((
            sid, created, end, *codes, aid, start, end, 20, "scheduled", token(f"vs{sid}"), len(who), 0, len(who),
        ))  # fmt: skip
        held.append((codes, team, sid, day, start, end, organizer, who))

    def served(kind: str) -> Iterator[tuple[Any, ...]]:
        """Sign-ups, attendances and hours: one each per volunteer and session, so the k-th of each has
        id k in its (empty) table."""
        k = 0
        for codes, team, sid, day, start, end, organizer, who in held:
            confirmed = day < week_ago
            for vid in who:
                k += 1
                if kind == "signup":
                    yield (k, start, end, *codes, sid, vid, "attended", start, None, None)
                elif kind == "attendance":
                    yield (
                        k,
                        start,
                        end,
                        *codes,
                        sid,
                        vid,
                        k,
                        start,
                        end,
                        "organizer",
                        "organizer",
                        organizer,
                    )
                else:
                    yield (
                        k, end, end, *codes, k, vid, team, sid, day, start, end, hours_between(start, end),
                        "confirmed" if confirmed else "pending", organizer if confirmed else None,
                        end + dt.timedelta(hours=2) if confirmed else None, "",
                    )  # fmt: skip

    w.copy(
        "volunteers_activity",
        [*BASE, "team_id", "community_id", "category", "title", "description", "venue", "venue_site_id",
         "skills", "capacity", "recurrence", "weekday", "start_date", "end_date", "start_time", "end_time",
         "status", "organizer_id"],
        acts,
    )  # fmt: skip
    w.copy(
        "volunteers_activitysession",
        [*BASE, "activity_id", "starts_at", "ends_at", "capacity", "status", "qr_token", "signed_up_count",
         "waiting_count", "attended_count"],
        sess,
    )  # fmt: skip
    w.copy(
        "volunteers_signup",
        [*BASE, "session_id", "volunteer_id", "status", "queued_at", "promoted_at", "cancelled_at"],
        served("signup"),
    )
    w.copy(
        "volunteers_attendance",
        [*BASE, "session_id", "volunteer_id", "signup_id", "check_in_at", "check_out_at", "check_in_source",
         "check_out_source", "recorded_by_id"],
        served("attendance"),
    )  # fmt: skip
    w.copy(
        "volunteers_servicehours",
        [*BASE, "attendance_id", "volunteer_id", "team_id", "session_id", "served_on", "started_at",
         "ended_at", "hours", "status", "confirmed_by_id", "confirmed_at", "note"],
        served("hours"),
    )  # fmt: skip
    for table in ("volunteers_signup", "volunteers_attendance", "volunteers_servicehours"):
        w.ids.last[table] = w.rows.get(table, 0)


def cobuild(w: Writer) -> None:
    """Resources of the units and teams, projects claimed and signed over the year with their need and
    resource (two in three completed, their needs fulfilled), and open needs for the next meeting."""
    from gongzhi.demo.cobuild import CATALOGUE

    c, rng, now = w.city, random.Random(w.rng.random()), w.now
    categories = list(CATALOGUE)
    resources: list[tuple[Any, ...]] = []
    of_community: dict[int, list[tuple[int, tuple[str, int | None, int | None, str]]]] = defaultdict(list)
    for comm, n in zip(c.communities, w.per_community(RESOURCES, at_least=1), strict=True):
        units, teams = w.units.get(comm.index, []), w.teams.get(comm.index, [])
        lng, lat = comm.centre
        for k in range(n):
            rid = w.ids("cobuild_resource")
            cat = categories[rid % len(categories)]
            kind, title = CATALOGUE[cat][1]
            if units and k % 3 != 2:
                u = units[k % len(units)]
                provider: tuple[str, int | None, int | None, str] = ("unit", u[0], None, u[1])
            else:
                provider = ("team", None, teams[k % len(teams)], f"{comm.name}志愿服务队")
            of_community[comm.index].append((rid, provider))
            resources.append((
                rid, now - dt.timedelta(days=rng.randint(200, 400)), now, *comm.codes, comm.id, title, "",
                kind, json.dumps([cat]), provider[0], provider[1], None, None, provider[2], provider[3],
                rng.randint(2, 6), 0, "", lng, lat, 3.0, "[]", "", "", "", "", True,
            ))  # fmt: skip
    w.copy(
        "cobuild_resource",
        [*BASE, "community_id", "title", "description", "kind", "categories", "provider_kind", "unit_id",
         "member_id", "social_organization_id", "team_id", "provider_name", "capacity", "schedule",
         "schedule_note", "lng", "lat", "radius_km", "area_codes", "contact_name", "contact_phone_encrypted",
         "contact_phone_hash", "contact_phone_masked", "active"],
        resources,
    )  # fmt: skip
    needs: list[tuple[Any, ...]] = []
    projects: list[tuple[Any, ...]] = []
    pneeds: list[tuple[Any, ...]] = []
    presources: list[tuple[Any, ...]] = []
    for comm, n in zip(c.communities, w.per_community(PROJECTS, at_least=1), strict=True):
        raiser = c.community_staff(comm)
        offered = of_community[comm.index]
        for k in range(n + OPEN_NEEDS):
            nid = w.ids("cobuild_need")
            cat = categories[nid % len(categories)]
            title, beneficiaries, qty, unit_label, micro = CATALOGUE[cat][0][nid % len(CATALOGUE[cat][0])]
            g = comm.grids[k % len(comm.grids)]
            raised = now - dt.timedelta(days=rng.randint(200, 330))
            if k >= n:  # open, raised lately
                raised = now - dt.timedelta(days=rng.randint(1, 60))
                status, committed, delivered, fulfilled = "open", 0, 0, None
            else:
                signed = raised + dt.timedelta(days=rng.randint(10, 40))
                done = k % 3 != 2
                fulfilled = signed + dt.timedelta(days=rng.randint(20, 120)) if done else None
                if fulfilled is not None and fulfilled > now:
                    fulfilled = now - dt.timedelta(hours=rng.randint(1, 48))
                status = "fulfilled" if done else "in_progress"
                committed, delivered = qty, qty if done else qty // 2
                pid = w.ids("cobuild_project")
                rid, provider = offered[k % len(offered)]
                year = signed.year
                projects.append((
                    pid, raised, now, *comm.codes, comm.id, f"{title}共建项目", "", year,
                    "completed" if done else "signed", provider[0], provider[1], None, provider[2], provider[3],
                    signed - dt.timedelta(days=3), f"GJ-{comm.code}-{year}-{pid:06d}",
                    "按需求清单约定的内容和频次提供服务", f"{comm.name}党委", provider[3],
                    signed.date(), signed.date() + dt.timedelta(days=180), signed, "已按约定完成" if done else "",
                    fulfilled, None,
                ))  # fmt: skip
                pneeds.append((len(pneeds) + 1, signed, now, pid, nid, qty, delivered))
                presources.append((len(presources) + 1, signed, now, pid, rid))
            needs.append((
                nid, raised, now, *grid_codes(g.code), comm.id, g.id, title, "", cat, micro, "community", None,
                beneficiaries, 1, qty, unit_label, "once", 0, "normal", None, g.lng, g.lat, status, committed,
                delivered, raiser, fulfilled,
            ))  # fmt: skip
    w.copy(
        "cobuild_need",
        [*BASE, "community_id", "grid_id", "title", "description", "category", "micro_wish", "source",
         "source_ticket_id", "beneficiaries", "beneficiary_count", "quantity", "quantity_unit", "frequency",
         "schedule", "urgency", "wanted_by", "lng", "lat", "status", "committed", "delivered", "raised_by_id",
         "fulfilled_at"],
        needs,
    )  # fmt: skip
    w.copy(
        "cobuild_project",
        [*BASE, "community_id", "title", "description", "year", "status", "claimant_kind",
         "claimant_unit_id", "claimant_member_id", "claimant_team_id", "claimant_name", "claimed_at",
         "agreement_number", "terms", "community_signatory", "claimant_signatory", "starts_on", "ends_on",
         "signed_at", "outcome", "completed_at", "plan_row_id"],
        projects,
    )  # fmt: skip
    w.ids.last["cobuild_projectneed"] = len(pneeds)
    w.ids.last["cobuild_projectresource"] = len(presources)
    w.copy(
        "cobuild_projectneed",
        ["id", "created_at", "updated_at", "project_id", "need_id", "committed", "delivered"],
        pneeds,
    )
    w.copy(
        "cobuild_projectresource",
        ["id", "created_at", "updated_at", "project_id", "resource_id"],
        presources,
    )
