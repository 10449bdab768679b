"""The grid academy's rows made through the services for the tests."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gongzhi.training.enums import CourseFormat, TraineeKind, TrainerKind
from gongzhi.training.services.plans import CourseInput, course_create, training_plan_create
from gongzhi.training.services.sessions import training_session_schedule
from gongzhi.training.services.trainees import trainee_register


def make_plan(d, community="A1", title="网格员能力提升计划"):
    return training_plan_create(
        actor=d.user("district_admin"),
        place_code=d.communities[community].code,
        year=timezone.localdate().year,
        title=title,
        target_sessions=12,
        target_hours=24,
    )


def make_course(d, plan, *, steps=1, title="入户走访实务"):
    fmt = CourseFormat.CAMP if steps > 1 else CourseFormat.LECTURE
    return course_create(
        actor=d.user("community_worker"),
        plan_id=plan.pk,
        data=CourseInput(
            title=title,
            trainer_name="王老师",
            trainer_kind=TrainerKind.SOCIAL_WORKER,
            format=fmt,
            steps=steps,
        ),
    )


def make_session(d, course, *, step=1, days=2, hours=2, **kw):
    start = timezone.localtime().replace(hour=14, minute=0, second=0, microsecond=0) + dt.timedelta(days=days)
    return training_session_schedule(
        actor=d.user("community_worker"),
        course_id=course.pk,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=hours),
        step=step,
        place_text=kw.pop("place_text", "银山社区党群服务中心二楼"),
        **kw,
    )


def make_trainee(d, who="grid_worker", kind=TraineeKind.GRID_WORKER, community="A1"):
    user = d.user(who) if who else None
    return trainee_register(
        actor=d.user("community_worker"),
        community_id=d.communities[community].pk,
        name=f"学员{who or '无账号'}",
        kind=kind,
        user_id=user.pk if user else None,
    )
