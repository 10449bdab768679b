"""Rows for the councils' tests, written through the councils' services."""

from __future__ import annotations

import datetime as dt
from itertools import count

from django.utils import timezone

from gongzhi.accounts.services import role_assign, user_create
from gongzhi.core.roles import Role
from gongzhi.councils.enums import MemberCategory, TopicSource
from gongzhi.councils.services import (
    CouncilInput,
    MeetingInput,
    MemberInput,
    TopicInput,
    council_create,
    council_member_add,
    meeting_attendance_record,
    meeting_schedule,
    topic_accept,
    topic_propose,
)

_seq = count(1)
CATEGORIES = [
    MemberCategory.PARTY_COMMITTEE,
    MemberCategory.RESIDENT_REP,
    MemberCategory.OWNERS_COMMITTEE,
    MemberCategory.PROPERTY,
    MemberCategory.UNIT,
    MemberCategory.SOCIAL_ORG,
]


def make_council(d, community: str = "A1", members: int = 6, **kw):
    actor = d.user("community_secretary") if community == "A1" else d.user("district_admin")
    council = council_create(
        actor=actor,
        community_id=d.communities[community].pk,
        data=CouncilInput(name=kw.pop("name", "民情议事会"), **kw),
    )
    for i in range(members):
        council_member_add(
            actor=actor,
            council_id=council.pk,
            data=MemberInput(name=f"成员{i + 1}", category=CATEGORIES[i % len(CATEGORIES)]),
        )
    return council


def make_resident(d, grid: str = "g1", index: int = 1):
    n = next(_seq)
    user = user_create(
        actor=None,
        username=f"resident_{grid}_{n}",
        password="x",
        display_name=f"居民{n}",
        validate_password=False,
    )
    role_assign(actor=None, user=user, role=Role.RESIDENT, household=d.households[grid][index % 3])
    return user


def make_topic(d, council, title: str = "清华园供热管网改造", accepted: bool = True, **kw):
    a1 = council.community_code == d.communities["A1"].code
    topic = topic_propose(
        actor=d.user("community_worker") if a1 else None,
        council_id=council.pk,
        data=TopicInput(title=title, description="老旧管网漏水，冬季室温不达标", **kw),
        source_kind=TopicSource.STAFF,
    )
    if accepted:
        topic = topic_accept(
            actor=d.user("community_secretary" if a1 else "district_admin"), topic_id=topic.pk
        )
    return topic


def make_meeting(d, council, topics, attend: int | None = None):
    now = timezone.now()
    actor = d.user("community_secretary")
    meeting = meeting_schedule(
        actor=actor,
        council_id=council.pk,
        data=MeetingInput(
            title="第一次联席会议",
            starts_at=now - dt.timedelta(hours=1),
            ends_at=now + dt.timedelta(hours=1),
            location="党群服务中心",
        ),
        topic_ids=[t.pk for t in topics],
    )
    members = list(council.members.filter(active=True).order_by("id"))
    for m in members[: len(members) if attend is None else attend]:
        meeting_attendance_record(actor=actor, meeting_id=meeting.pk, member_id=m.pk)
    return meeting, members
