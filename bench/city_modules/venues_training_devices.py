"""The places and things of the communities: the venues with a year of bookings, the grid academy's
training (plans, courses, sessions, trainees) and the devices with their platforms, incidents and the
last month's events. Devices are spread over every community (the demo has them all in one).

====================================  ===========================================  ===================
table (figure)                        demo at scale 1 → ratio                      city at scale 1
====================================  ===========================================  ===================
venues_venue (venues, venues layer)   4 a community + a 网格工作站 per 3 grids       ~16,100
venues_booking (bookings)             1,911 / 115 = 16.6 a venue                   ~268,000
training_trainingplan / course /      1 / 5 / 7 a subdistrict                      144 / 720 / 1,008
trainingsession (training_sessions)
training_trainee (trainees)           263 / 16 = 16.4 a community                  ~33,100
devices_platform / devices_device     1 / 438 / 16 = 27.4 a community, 3 in 438    2,016 / ~55,200
(devices, devices_offline, layer)     offline, 1 in 50 with an open tamper
devices_incident / deviceevent        376 events a month / 438 = 0.86 a device     ~1,100 / ~48,900
(device_events)
====================================  ===========================================  ===================
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from bench.city_modules.held import Grid, Resident, grid_codes
from bench.city_modules.writer import BASE, Writer, token

# Per community (the demo's 16).
BOOKINGS_PER_VENUE = 1_911 / 115
DEVICES = 438 / 16
DEVICE_EVENTS = 376 / 438
TRAINEES = 263 / 16
# Per subdistrict (the demo's 3).
COURSES_PER_PLAN = 5
TRAINING_SESSIONS = 7
ORGANISERS = {"unit": "驻区共建单位", "team": "社区合唱团"}


def venues_and_bookings(w: Writer) -> None:
    """Every community's 党群服务中心, 人民调解室, "678" 党员驿站, 居民说事点 and a 网格工作站 per three
    grids, and a year of bookings (one a day at most per venue, in its opening hours)."""
    from gongzhi.demo.venues import PURPOSES

    c, rng, now, today = w.city, random.Random(w.rng.random()), w.now, w.today
    venues: list[tuple[Any, ...]] = []
    weekdays = json.dumps([0, 1, 2, 3, 4])
    for comm in c.communities:
        name, (lng, lat) = comm.name, comm.centre
        staff = c.community_staff(comm)
        spots: list[tuple[str, str, Grid | None, str, bool, int]] = [
            ("service_centre", f"{name}党群服务中心", None, f"{name}居委会一楼", True, 80),
            ("mediation_room", f"{name}人民调解室", None, f"{name}居委会二楼", False, 10),
            ("station_678", f"{name}“678”党员驿站", comm.grids[0], f"{comm.grids[0].name}沿街", True, 15),
            (
                "talk_point",
                f"{name}居民说事点",
                comm.grids[-1],
                f"{comm.grids[-1].name}小区凉亭",
                False,
                20,
            ),
        ]
        for i, station in enumerate(comm.grids[::3], start=1):
            spots.append(
                (
                    "grid_station",
                    f"{name}第{i}网格工作站",
                    station,
                    f"{station.name}网格员办公室",
                    False,
                    12,
                )
            )
        for kind, title, g, address, late, capacity in spots:
            vid = w.ids("venues_venue")
            w.venues[comm.index].append(vid)
            if kind == "mediation_room":
                w.mediation_room[comm.index] = vid
            codes = grid_codes(g.code) if g else comm.codes
            every = kind == "service_centre"
            venues.append((
                vid, now - dt.timedelta(days=400), now, *codes, comm.id, g.id if g else None, kind, title, address,
                g.lng if g else lng, g.lat if g else lat, json.dumps(list(range(7))) if every else weekdays,
                "08:30:00" if every else "09:00:00", "17:30:00" if every else "17:00:00", late,
                json.dumps(["议事协商", "志愿服务"]), staff, f"{name}党委书记" if every else "", capacity,
                None, True, True,
            ))  # fmt: skip
    w.copy(
        "venues_venue",
        [*BASE, "community_id", "grid_id", "kind", "name", "address", "lng", "lat", "open_weekdays",
         "opens_at", "closes_at", "after_hours_678", "services", "manager_id", "manager_name", "capacity",
         "floor_area", "bookable", "active"],
        venues,
    )  # fmt: skip
    workdays = [d for d in range(1, 331) if (today - dt.timedelta(days=d)).weekday() < 5]

    def bookings() -> Iterator[tuple[Any, ...]]:
        k = 0
        for row in venues:
            vid, codes = row[0], row[3:7]
            staff = c.staff.get(("community_worker", codes[2]))
            n = max(1, round(rng.gauss(BOOKINGS_PER_VENUE, 3)))
            for back in rng.sample(workdays, min(n, len(workdays))):
                k += 1
                day = today - dt.timedelta(days=back)
                start = w.city.local(day, 9, 30)
                purpose, booker, _link = PURPOSES[k % len(PURPOSES)]
                cancelled = k % 20 == 0
                yield (
                    k, start - dt.timedelta(days=3), start, *codes, vid, start, start + dt.timedelta(hours=2),
                    purpose, rng.randint(5, 40), booker, None, ORGANISERS.get(booker, ""), staff,
                    "cancelled" if cancelled else "confirmed",
                    "", None, start - dt.timedelta(days=1) if cancelled else None, "时间调整" if cancelled else "",
                )  # fmt: skip

    w.copy(
        "venues_booking",
        [*BASE, "venue_id", "starts_at", "ends_at", "purpose", "attendees", "booker_kind", "unit_id",
         "organization_name", "booked_by_id", "status", "linked_kind", "linked_id", "cancelled_at",
         "cancel_reason"],
        bookings(),
    )  # fmt: skip
    w.ids.last["venues_booking"] = w.rows.get("venues_booking", 0)


def training(w: Writer) -> None:
    """Each subdistrict's yearly plan of the grid academy (the demo's five courses, seven sessions over
    the year) and the trainees of every community: its grid workers, its community worker and some
    of its volunteers."""
    from gongzhi.demo.training import COURSES

    c, rng, now, today = w.city, random.Random(w.rng.random()), w.now, w.today
    plans, courses, sessions = [], [], []
    for _i, code, name in c.subdistricts:
        pid = w.ids("training_trainingplan")
        staff = c.staff.get(("subdistrict_staff", code))
        plans.append((
            pid, now - dt.timedelta(days=320), now, code[:6], code, "", "", today.year, "subdistrict", name,
            f"{name}{today.year}年网格学院培训计划", TRAINING_SESSIONS, 2 * TRAINING_SESSIONS, "", staff, 0,
        ))  # fmt: skip
        ids = []
        for title, topic, trainer, trainer_kind, form, steps in COURSES[:COURSES_PER_PLAN]:
            cid = w.ids("training_course")
            ids.append((cid, steps))
            courses.append(
                (
                    cid,
                    now,
                    now,
                    code[:6],
                    code,
                    "",
                    "",
                    pid,
                    title,
                    topic,
                    trainer,
                    trainer_kind,
                    form,
                    steps,
                )
            )
        for k in range(TRAINING_SESSIONS):
            cid, steps = ids[k % len(ids)]
            day = today - dt.timedelta(days=15 + (k * 300) // TRAINING_SESSIONS)
            start = w.city.local(day, 14)
            sid = w.ids("training_trainingsession")
            sessions.append((
                sid, start - dt.timedelta(days=10), start, code[:6], code, "", "", cid, 1 + k % steps, start,
                start + dt.timedelta(hours=3), None, f"{name}党群服务中心", None, token(f"ts{sid}"), "scheduled",
                rng.randint(20, 60),
            ))  # fmt: skip
    w.copy(
        "training_trainingplan",
        [*BASE, "year", "level", "place_name", "title", "target_sessions", "target_hours", "notes",
         "created_by_id", "certificates_issued"],
        plans,
    )  # fmt: skip
    w.copy(
        "training_course",
        [*BASE, "plan_id", "title", "topic", "trainer_name", "trainer_kind", "format", "steps"],
        courses,
    )
    w.copy(
        "training_trainingsession",
        [*BASE, "course_id", "step", "starts_at", "ends_at", "venue_id", "place_text", "booking_id", "qr_token",
         "status", "attended_count"],
        sessions,
    )  # fmt: skip
    volunteers: dict[int, list[Resident]] = defaultdict(list)
    for r in w.sample["volunteers"]:
        volunteers[r.grid.community].append(r)
    vid_of = {r.id: k for k, r in enumerate(w.sample["volunteers"], start=1)}
    trainees = []
    for comm, n in zip(c.communities, w.each_community(TRAINEES, at_least=1), strict=True):
        people: list[tuple[str, str, int | None, int | None]] = []
        for g in comm.grids:
            uid = c.staff.get(("grid_worker", g.code))
            if uid:
                people.append((f"{g.name}网格员", "grid_worker", uid, None))
        uid = c.staff.get(("community_worker", comm.code))
        if uid:
            people.append((f"{comm.name}社区工作者", "staff", uid, None))
        for r in volunteers.get(comm.index, []):
            people.append((r.name, "volunteer", None, vid_of[r.id]))
        for name, kind, uid, vid in people[: max(n, 1)]:
            trainees.append(
                (w.ids("training_trainee"), now, now, *comm.codes, comm.id, name, kind, uid, vid, True)
            )
    w.copy(
        "training_trainee",
        [*BASE, "community_id", "name", "kind", "user_id", "volunteer_id", "active"],
        trainees,
    )


def devices(w: Writer) -> None:
    """A platform and the demo's mix of devices in every community (cameras, access control, face
    recognition, a fire-lane camera) spread over its grids, a few offline, a few with an open tamper
    incident, and the last month's events."""
    c, rng, now = w.city, random.Random(w.rng.random()), w.now
    mix = (("camera", 398, "CAM", 30), ("access_control", 30, "AC", 30), ("face_recognition", 9, "FR", 30),
           ("fire_lane_camera", 1, "FL", 15))  # fmt: skip
    kinds_of = {
        "camera": ("garbage_overflow", "ebike_in_lift", "high_altitude_throw", "fire_lane_blocked"),
        "access_control": ("door_held_open", "door_forced"),
        "face_recognition": ("intrusion",),
        "fire_lane_camera": ("fire_lane_blocked",),
    }
    platforms, devices = [], []
    counts = w.each_community(DEVICES, at_least=1)
    offline = w.each_community(DEVICES * 3 / 438)
    placed: list[tuple[int, int, str, str, tuple[str, str, str, str], bool]] = []
    for comm in c.communities:
        pid = w.ids("devices_platform")
        platforms.append(
            (
                pid,
                now,
                now,
                *comm.codes,
                f"{comm.name}智慧社区平台",
                "海康威视",
                comm.code,
                comm.name,
                "",
                None,
            )
        )
        n = counts[comm.index]
        for k in range(n):
            x, kind, prefix, beat = k * 438 // max(n, 1), "camera", "CAM", 30
            for kind_, share, prefix_, beat_ in mix:
                if x < share:
                    kind, prefix, beat = kind_, prefix_, beat_
                    break
                x -= share
            g = comm.grids[k % len(comm.grids)]
            did = w.ids("devices_device")
            down = k < offline[comm.index]
            heard = now - (dt.timedelta(days=2) if down else dt.timedelta(minutes=rng.randint(0, beat - 1)))
            code = f"{comm.code}-{prefix}{k + 1:04d}"
            placed.append((did, pid, kind, code, grid_codes(g.code), down))
            devices.append((
                did, now - dt.timedelta(days=400), now, *grid_codes(g.code), code, f"{g.name}{k + 1}号设备", kind,
                "海康威视", f"{w.estate_name[g.index]}{k % 9 + 1}号楼", f"{k % 9 + 1}号楼", pid,
                "offline" if down else "online", beat, heard, now - dt.timedelta(days=1) if down else None, None, "",
            ))  # fmt: skip
    w.copy(
        "devices_platform",
        [*BASE, "name", "vendor", "place_code", "place_label", "note", "created_by_id"],
        platforms,
    )
    w.copy(
        "devices_device",
        [*BASE, "code", "name", "kind", "vendor", "place", "building", "platform_id", "status",
         "heartbeat_minutes", "last_heard_at", "offline_since", "sign_posted_on", "note"],
        devices,
    )  # fmt: skip
    incidents: list[tuple[Any, ...]] = []
    events: list[tuple[Any, ...]] = []
    event_no: dict[int, int] = defaultdict(int)
    for k, (did, pid, kind, _code, codes, down) in enumerate(placed):
        if not down and k % 50 == 7:  # an open tamper incident: the layer's "faulty"
            iid = w.ids("devices_incident")
            first = now - dt.timedelta(hours=rng.randint(2, 100))
            incidents.append((iid, first, first, *codes, did, "tamper", None, first, first, 1, None))
            event_no[pid] += 1
            events.append((
                w.ids("devices_deviceevent"), first, first, *codes, pid, did, f"EV{event_no[pid]:08d}", "tamper",
                "start", first, 0.9, "", "recorded", iid, None, "[]",
            ))  # fmt: skip
        n = int(DEVICE_EVENTS + rng.random())  # 0.86 a device on average
        for _ in range(n):
            # an offline device was last heard two days ago: its events are older
            at = now - dt.timedelta(minutes=rng.randint(3 * 24 * 60 if down else 1, 30 * 24 * 60))
            event_no[pid] += 1
            choices = kinds_of[kind]
            events.append((
                w.ids("devices_deviceevent"), at, at, *codes, pid, did, f"EV{event_no[pid]:08d}",
                choices[event_no[pid] % len(choices)], "start", at, round(rng.uniform(0.6, 0.99), 2), "",
                "recorded", None, None, "[]",
            ))  # fmt: skip
    w.copy(
        "devices_incident",
        [*BASE, "device_id", "kind", "ticket_id", "first_at", "last_at", "count", "ended_at"],
        incidents,
    )
    w.copy(
        "devices_deviceevent",
        [*BASE, "platform_id", "device_id", "event_id", "kind", "state", "occurred_at", "confidence", "zone",
         "outcome", "incident_id", "snapshot_id", "stripped"],
        events,
    )  # fmt: skip
