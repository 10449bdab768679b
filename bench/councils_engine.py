"""Times the deliberation engine through its services: ``--n`` topics taken the whole way (proposed,
accepted, consulted, put to a meeting of seven members with votes, resolved, publicised, carried out,
completed, published), ``--opinions`` residents' opinions on one topic, then the public page of the
council (every topic, masked) and a 书记有约 callback list over ``--demands`` earlier demands.

    python -m bench.councils_engine [--n 100] [--opinions 200] [--demands 200] [--pg postgres://…/db]

SQLite file under var/bench/ unless ``--pg``. Target: a topic's whole way under 0.25 s; the public page
of a council with its year of topics under 0.5 s. Prints one JSON document.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from typing import Any

TARGET_TOPIC_SECONDS = 0.25
TARGET_PAGE_SECONDS = 0.5


def _setup(pg: str) -> str:
    from bench._db import fresh_database

    return fresh_database("councils", pg)


def run(args: argparse.Namespace) -> dict[str, Any]:
    engine = _setup(args.pg)
    from django.utils import timezone

    from gongzhi.accounts.models import User
    from gongzhi.accounts.services import role_assign
    from gongzhi.core.roles import Role
    from gongzhi.councils import selectors
    from gongzhi.councils import services as cs
    from gongzhi.councils.models import Resolution
    from gongzhi.testing import build_small_district

    d = build_small_district()
    secretary, worker = d.user("community_secretary"), d.user("community_worker")
    council = cs.council_create(
        actor=secretary, community_id=d.communities["A1"].pk, data=cs.CouncilInput(name="基准议事会")
    )
    members = [
        cs.council_member_add(
            actor=secretary,
            council_id=council.pk,
            data=cs.MemberInput(name=f"成员{i}", category="resident_rep"),
        )
        for i in range(7)
    ]
    now = timezone.now()
    today = timezone.localdate()
    t = time.perf_counter()
    for i in range(args.n):
        topic = cs.topic_propose(actor=worker, council_id=council.pk, data=cs.TopicInput(title=f"议题{i}"))
        cs.topic_accept(actor=secretary, topic_id=topic.pk)
        cs.topic_consultation_open(actor=worker, topic_id=topic.pk, closes_on=today + dt.timedelta(days=7))
        meeting = cs.meeting_schedule(
            actor=secretary,
            council_id=council.pk,
            data=cs.MeetingInput(
                title=f"会议{i}", starts_at=now, ends_at=now + dt.timedelta(hours=1), location="会议室"
            ),
            topic_ids=[topic.pk],
        )
        for m in members[:5]:
            cs.meeting_attendance_record(actor=secretary, meeting_id=meeting.pk, member_id=m.pk)
        cs.meeting_topic_decide(
            actor=secretary,
            item_id=meeting.agenda.get().pk,
            votes={m.pk: "for" for m in members[:5]},
            resolution=cs.ResolutionInput(content=f"决议{i}，联系电话13912345678"),
        )
        cs.meeting_minutes_record(actor=secretary, meeting_id=meeting.pk, minutes=f"纪要{i}")
        row = Resolution.objects.get(topic=topic)
        cs.resolution_notice_publish(actor=worker, resolution_id=row.pk)
        cs.resolution_implementation_start(actor=worker, resolution_id=row.pk, owner_name="物业")
        cs.resolution_complete(actor=secretary, resolution_id=row.pk, result="已完成")
        cs.resolution_result_publish(actor=worker, resolution_id=row.pk)
    topic_s = time.perf_counter() - t
    consulting = cs.topic_propose(actor=worker, council_id=council.pk, data=cs.TopicInput(title="征求意见"))
    cs.topic_accept(actor=secretary, topic_id=consulting.pk)
    cs.topic_consultation_open(actor=worker, topic_id=consulting.pk, closes_on=today + dt.timedelta(days=7))
    household = d.households["g1"][0]
    users = User.objects.bulk_create([User(username=f"bench_resident_{i}") for i in range(args.opinions)])
    for u in users:
        role_assign(actor=None, user=u, role=Role.RESIDENT, household=household)
    users = list(User.objects.filter(username__startswith="bench_resident_"))
    t = time.perf_counter()
    for u in users:
        cs.topic_opinion_give(actor=u, topic_id=consulting.pk, stance="support")
    opinion_s = time.perf_counter() - t
    t = time.perf_counter()
    page = selectors.council_public_page(selectors.council_public_get(council.pk))
    page_s = time.perf_counter() - t
    place = cs.appointment_place_create(actor=worker, community_id=d.communities["A1"].pk, name="连心亭")
    first, later = cs.appointment_schedule(
        actor=worker,
        place_id=place.pk,
        sessions=[
            cs.SessionInput(date=today - dt.timedelta(days=d_), secretary_name="张书记") for d_ in (30, 0)
        ],
    )
    for i in range(args.demands):
        cs.appointment_demand_record(
            actor=worker,
            session_id=first.pk,
            data=cs.DemandInput(
                demand_type="policy",
                description=f"咨询{i}",
                resident_name="王某",
                resident_phone="13912345678",
                route="topic",
                council_id=council.pk,
            ),
        )
    t = time.perf_counter()
    listed = selectors.callback_list(later)
    callback_s = time.perf_counter() - t
    per_topic = topic_s / max(args.n, 1)
    return {
        "benchmark": "councils_engine",
        "engine": engine,
        "topics": args.n,
        "topic_whole_way_seconds": round(per_topic, 4),
        "topic_target_seconds": TARGET_TOPIC_SECONDS,
        "opinions": len(users),
        "opinions_per_second": round(len(users) / opinion_s, 1) if opinion_s else None,
        "public_page_topics": len(page["topics"]),
        "public_page_seconds": round(page_s, 4),
        "public_page_target_seconds": TARGET_PAGE_SECONDS,
        "callback_list_rows": len(listed),
        "callback_list_seconds": round(callback_s, 4),
        "ok": per_topic < TARGET_TOPIC_SECONDS and page_s < TARGET_PAGE_SECONDS,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--opinions", type=int, default=200)
    parser.add_argument("--demands", type=int, default=200)
    parser.add_argument("--pg", default="")
    args = parser.parse_args(argv)
    out = run(args)
    json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0 if out["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
