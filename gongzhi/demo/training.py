"""Demo: a year of the grid academy (网格学院), through the training services — each subdistrict's yearly
plan with lectures, a site visit, a discussion and a three-step 训练营; monthly sessions from January to
October with attendance of its community workers, grid workers and volunteers; certificates for those who
finished the camp; 持证社工 (seed 003: 75 licensed social workers in the district), 和谐使者 and grid-worker
certificates with their expiry."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.db import transaction
from django.utils import timezone

from gongzhi.accounts.models import RoleAssignment, User
from gongzhi.core.roles import Role
from gongzhi.demo.population import TODAY
from gongzhi.places.models import Community, Subdistrict
from gongzhi.training.enums import CourseFormat, QualificationKind, TraineeKind, TrainerKind
from gongzhi.training.models import Trainee
from gongzhi.training.services.attendance import training_attendance_bulk_record
from gongzhi.training.services.certificates import training_certificates_bulk_issue
from gongzhi.training.services.plans import CourseInput, course_create, training_plan_create
from gongzhi.training.services.sessions import training_session_schedule
from gongzhi.training.services.trainees import (
    QualificationRow,
    TraineeRow,
    qualifications_bulk_record,
    trainees_bulk_register,
)

LICENSED = 75
COURSES = [
    ("网格员入户走访实务", "走访摸排与台账", "王建华", TrainerKind.SOCIAL_WORKER, CourseFormat.LECTURE, 1),
    ("矛盾纠纷排查化解", "“枫桥经验”与人民调解", "刘律师", TrainerKind.EXPERT, CourseFormat.LECTURE, 1),
    ("党建引领网格治理现场观摩", "先进社区观摩", "街道组织办", TrainerKind.STAFF, CourseFormat.SITE_VISIT, 1),
    (
        "“三张清单”对接研讨",
        "需求、资源、项目清单",
        "街道党工委",
        TrainerKind.STAFF,
        CourseFormat.DISCUSSION,
        1,
    ),
    (
        "新任网格员训练营",
        "岗前培训、实操、结业考核",
        "网格学院讲师团",
        TrainerKind.EXPERT,
        CourseFormat.CAMP,
        3,
    ),
]


def _users_with(role: str, codes: list[str]) -> list[User]:
    ids = RoleAssignment.objects.filter(role=role, place_code__in=codes).values_list("user_id", flat=True)
    return list(User.objects.filter(pk__in=ids).order_by("pk"))


def seed_training(seeder: Any) -> dict[str, int]:
    with transaction.atomic():  # one commit for the whole part (each service's own transaction nests)
        return _seed_training(seeder)


def _seed_training(seeder: Any) -> dict[str, int]:
    from gongzhi.volunteers.models import Volunteer

    t = time.monotonic()
    rng = seeder.gen.rng
    admin = User.objects.get(username="admin")
    totals = {
        "plans": 0,
        "sessions": 0,
        "attendance": 0,
        "trainees": 0,
        "certificates": 0,
        "qualifications": 0,
    }
    staff_trainees: list[Trainee] = []
    grid_trainees: list[Trainee] = []
    for sub in Subdistrict.objects.order_by("code"):
        communities = list(Community.objects.filter(subdistrict=sub).order_by("code"))
        by_code = {c.code: c for c in communities}
        rows: list[TraineeRow] = []
        taken: set[int] = set(Trainee.objects.filter(user__isnull=False).values_list("user_id", flat=True))
        for role, kind in (
            (Role.COMMUNITY_WORKER, TraineeKind.STAFF),
            (Role.GRID_WORKER, TraineeKind.GRID_WORKER),
        ):
            for ra in (
                RoleAssignment.objects.filter(role=role, place_code__startswith=sub.code[:9])
                .select_related("user")
                .order_by("pk")
            ):
                community = by_code.get(ra.place_code[:12])
                if community is None or ra.user_id in taken:
                    continue
                taken.add(ra.user_id)
                rows.append(
                    TraineeRow(community, ra.user.display_name or ra.user.username, kind, user_id=ra.user_id)
                )
        for v in Volunteer.objects.filter(community_code__in=list(by_code)).order_by("pk")[
            : 4 * len(communities)
        ]:
            rows.append(
                TraineeRow(by_code[v.community_code], v.name, TraineeKind.VOLUNTEER, volunteer_id=v.pk)
            )
        trainees = trainees_bulk_register(actor=admin, rows=rows)
        trainees = list(Trainee.objects.filter(subdistrict_code=sub.code).order_by("pk"))
        totals["trainees"] += len(trainees)
        staff_trainees += [x for x in trainees if x.kind == TraineeKind.STAFF]
        grid_trainees += [x for x in trainees if x.kind == TraineeKind.GRID_WORKER]
        plan = training_plan_create(
            actor=admin,
            place_code=sub.code,
            year=TODAY.year,
            title=f"{sub.name}网格学院{TODAY.year}年度培训计划",
            target_sessions=12,
            target_hours=30,
            notes="每月一期，“1+N”教学点轮流承办",
        )
        totals["plans"] += 1
        month = 1
        for title, topic, trainer, tkind, fmt, steps in COURSES:
            course = course_create(
                actor=admin,
                plan_id=plan.pk,
                data=CourseInput(
                    title=title,
                    topic=topic,
                    trainer_name=trainer,
                    trainer_kind=tkind,
                    format=fmt,
                    steps=steps,
                ),
            )
            attendees = (
                rng.sample(trainees, max(1, int(len(trainees) * rng.uniform(0.5, 0.8)))) if trainees else []
            )
            for step in range(1, steps + 1):
                day = dt.date(TODAY.year, min(month, 10), rng.randint(8, 24))
                month += 2 if steps == 1 else 1
                start = timezone.make_aware(dt.datetime.combine(day, dt.time(14, 30)))
                session = training_session_schedule(
                    actor=admin,
                    course_id=course.pk,
                    starts_at=start,
                    ends_at=start + dt.timedelta(hours=rng.choice((2, 3))),
                    step=step,
                    place_text=f"{communities[(month + step) % len(communities)].name}党群服务中心"
                    if communities
                    else "街道",
                    past_ok=True,
                )
                present = [x for x in attendees if rng.random() < 0.92]
                totals["attendance"] += training_attendance_bulk_record(
                    actor=admin, session=session, trainees=present
                )
                totals["sessions"] += 1
            if steps > 1:
                from gongzhi.training.models import TrainingAttendance

                done = {a for a, n in _steps_attended(TrainingAttendance, course.pk).items() if n == steps}
                finished = [x.pk for x in attendees if x.pk in done]
                if finished:
                    totals["certificates"] += len(
                        training_certificates_bulk_issue(
                            actor=admin, course_id=course.pk, trainee_ids=finished
                        )
                    )
    today = timezone.localdate()
    quals: list[QualificationRow] = []
    for i, trainee in enumerate(rng.sample(staff_trainees, min(LICENSED, len(staff_trainees)))):
        issued = today - dt.timedelta(days=rng.randint(200, 2500))
        quals.append(
            QualificationRow(
                trainee,
                QualificationKind.LICENSED_SOCIAL_WORKER,
                f"SW{issued.year}{i + 1:05d}",
                issued,
                issued + dt.timedelta(days=3 * 365),
                rng.choice(("助理社会工作师", "社会工作师")),
            )
        )
    for i, trainee in enumerate(grid_trainees):
        issued = today - dt.timedelta(days=rng.randint(30, 900))
        quals.append(
            QualificationRow(
                trainee,
                QualificationKind.GRID_WORKER_CERTIFICATE,
                f"WG{issued.year}{i + 1:05d}",
                issued,
                issued + dt.timedelta(days=2 * 365),
            )
        )
        if rng.random() < 0.2:
            quals.append(QualificationRow(trainee, QualificationKind.HARMONY_ENVOY, f"HX{i + 1:05d}", issued))
    totals["qualifications"] = len(qualifications_bulk_record(actor=admin, rows=quals))
    seconds = round(time.monotonic() - t, 1)
    if hasattr(seeder, "stats"):
        seeder.stats.timings["training"] = seconds
    if hasattr(seeder, "progress"):
        seeder.progress(
            f"  网格学院：{totals['plans']} 个年度计划，{totals['sessions']} 场培训，{totals['attendance']} 人次签到，"
            f"{totals['trainees']} 名学员，{totals['certificates']} 份结业证书，{totals['qualifications']} 个资格证书（{seconds} 秒）"
        )
    return totals


def _steps_attended(model: Any, course_id: int) -> dict[int, int]:
    from django.db.models import Count

    rows = (
        model.objects.filter(session__course_id=course_id)
        .values("trainee_id")
        .annotate(n=Count("session__step", distinct=True))
    )
    return {r["trainee_id"]: r["n"] for r in rows}
