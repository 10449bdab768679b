"""Writes of the yearly training plans and their courses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.core import bounds
from gongzhi.core.errors import NotFound, ValidationFailed
from gongzhi.core.permissions import require
from gongzhi.training.enums import CourseFormat, PlanLevel, TrainerKind
from gongzhi.training.models import Course, TrainingPlan
from gongzhi.training.selectors import training_plan_get_for_actor
from gongzhi.training.services._validation import _raise, _text

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def _place(place_code: str) -> tuple[str, object, str]:
    """(level, the Community or Subdistrict, its name) of a place code."""
    from gongzhi.places.models import Community, Subdistrict

    code = (place_code or "").strip()[:12]
    community = Community.objects.filter(code=code).first() if code else None
    if community is not None:
        return PlanLevel.COMMUNITY, community, community.name
    sub = Subdistrict.objects.filter(code=code).first() if code else None
    if sub is not None:
        return PlanLevel.SUBDISTRICT, sub, sub.name
    raise ValidationFailed(gettext("请选择街道或社区"), fields={"place_code": gettext("请选择街道或社区")})


@transaction.atomic
def training_plan_create(
    *,
    actor: Actor,
    place_code: str,
    year: int,
    title: str,
    target_sessions: int = 0,
    target_hours: int = 0,
    notes: str = "",
) -> TrainingPlan:
    level, place, name = _place(place_code)
    require(
        actor,
        "training.manage_training",
        place,
        error=ValidationFailed(
            gettext("只能为本人负责的街道或社区制定计划"),
            fields={"place_code": gettext("只能为本人负责的街道或社区制定计划")},
        ),
    )
    errors: dict[str, str] = {}
    title = _text(errors, "title", title, gettext("计划名称"), 100, True)
    notes = _text(errors, "notes", notes, gettext("说明"), 2000, False)
    if not isinstance(year, int) or not bounds.year_in_range(year):
        errors["year"] = bounds.YEAR_MESSAGE
    for field, value in (("target_sessions", target_sessions), ("target_hours", target_hours)):
        if not isinstance(value, int) or not 0 <= value <= 100000:
            errors[field] = gettext("计划场次和学时应为0到100000之间的整数")
    _raise(errors)
    codes = {"subdistrict_code": place.subdistrict_code, "district_code": place.district_code}  # type: ignore[attr-defined]
    community_code = place.code if level == PlanLevel.COMMUNITY else ""  # type: ignore[attr-defined]
    if TrainingPlan.objects.filter(year=year, community_code=community_code, title=title, **codes).exists():
        raise ValidationFailed(
            gettext("本年度已有同名培训计划"), fields={"title": gettext("本年度已有同名培训计划")}
        )
    plan = TrainingPlan(
        year=year,
        level=level,
        place_name=name,
        title=title,
        target_sessions=target_sessions,
        target_hours=target_hours,
        notes=notes,
        created_by_id=getattr(actor, "pk", None),
        community_code=community_code,
        grid_code="",
        **codes,
    )
    plan.save()
    audit_record(
        actor=actor,
        target=plan,
        event="training.plan_created",
        data={"year": year, "title": title, "place": name},
    )
    return plan


@dataclass
class CourseInput:
    title: str
    trainer_name: str
    trainer_kind: str
    format: str
    topic: str = ""
    steps: int = 1


@transaction.atomic
def course_create(*, actor: Actor, plan_id: int, data: CourseInput) -> Course:
    try:
        plan = training_plan_get_for_actor(actor=actor, plan_id=plan_id)
    except NotFound:
        raise NotFound(gettext("培训计划不存在或无权查看")) from None
    require(actor, "training.manage_training", plan)
    errors: dict[str, str] = {}
    title = _text(errors, "title", data.title, gettext("课程名称"), 100, True)
    topic = _text(errors, "topic", data.topic, gettext("主题"), 200, False)
    trainer = _text(errors, "trainer_name", data.trainer_name, gettext("授课人"), 50, True)
    if data.trainer_kind not in TrainerKind.values:
        errors["trainer_kind"] = gettext("请选择授课人类型（专家学者、社会工作者或工作人员）")
    if data.format not in CourseFormat.values:
        errors["format"] = gettext("请选择培训形式")
    steps = data.steps if isinstance(data.steps, int) else 0
    if data.format == CourseFormat.CAMP and not 2 <= steps <= 20:
        errors["steps"] = gettext("训练营应有2到20个阶段")
    elif data.format != CourseFormat.CAMP:
        steps = 1
    _raise(errors)
    course = Course(
        plan=plan,
        title=title,
        topic=topic,
        trainer_name=trainer,
        trainer_kind=data.trainer_kind,
        format=data.format,
        steps=steps,
        district_code=plan.district_code,
        subdistrict_code=plan.subdistrict_code,
        community_code=plan.community_code,
        grid_code="",
    )
    course.save()
    audit_record(
        actor=actor,
        target=course,
        event="training.course_created",
        data={"plan": plan.pk, "title": title, "format": course.format, "steps": steps},
    )
    return course
