"""Template helpers for showing audit events: ``{% load audit_tags %}``."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from gongzhi.audit.enums import EVENT_LABELS

register = template.Library()

# Common keys of ``AuditEvent.data`` → what a person reads. Unknown keys are shown as they are.
DATA_LABELS: dict[str, Any] = {
    "from": _("原状态"),
    "to": _("新状态"),
    "reason": _("原因"),
    "role": _("角色"),
    "level": _("层级"),
    "scope": _("范围"),
    "username": _("用户名"),
    "user": _("账号"),
    "channel": _("渠道"),
    "field": _("字段"),
    "fields": _("字段"),
    "changed": _("变更"),
    "count": _("数量"),
    "created": _("新增"),
    "updated": _("更新"),
    "name": _("名称"),
    "code": _("代码"),
    "kind": _("类型"),
    "file": _("文件"),
    "rows": _("行数"),
    "number": _("编号"),
    "household": _("住户编号"),
    "relation": _("与户主关系"),
    "residence_type": _("居住类型"),
    "gender": _("性别"),
    "tags": _("标签"),
    "address": _("地址"),
    "grid": _("网格"),
    "community": _("社区"),
    "department": _("部门"),
    "old": _("原值"),
    "new": _("新值"),
    "households": _("住户数"),
    "persons": _("人数"),
    "filters": _("筛选条件"),
    "document": _("文件"),
    "period": _("期间"),
    "year": _("年度"),
}


def _choice_labels() -> dict[str, Any]:
    """Keys whose values are choices, with the enum that names them."""
    from gongzhi.core.roles import Role, ScopeLevel
    from gongzhi.people.enums import Gender, PersonTag, Relation, ResidenceType
    from gongzhi.places.enums import GridKind

    return {
        "role": Role,
        "level": ScopeLevel,
        "kind": GridKind,
        "relation": Relation,
        "residence_type": ResidenceType,
        "gender": Gender,
        "tags": PersonTag,
    }


_MAX_VALUE = 80


@register.filter
def event_label(event_type: str) -> str:
    return str(EVENT_LABELS.get(event_type, event_type))


def _short(value: Any) -> str:
    if isinstance(value, str):
        text = value
    elif isinstance(value, list | tuple) and all(isinstance(v, str | int | float) for v in value):
        text = "、".join(str(v) for v in value)
    else:
        text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= _MAX_VALUE else text[: _MAX_VALUE - 1] + "…"


def _named(enum: Any, value: Any) -> Any:
    if isinstance(value, str):
        return str(enum(value).label) if value in enum.values else value
    if isinstance(value, list):
        return [str(enum(v).label) if isinstance(v, str) and v in enum.values else v for v in value]
    return value


@register.filter
def audit_data(data: Any) -> list[tuple[str, str]]:
    """The event's data as (label, short value) pairs, empty values left out."""
    if not isinstance(data, dict):
        return []
    choices = _choice_labels()
    out: list[tuple[str, str]] = []
    for key, value in data.items():
        if value in (None, "", [], {}):
            continue
        enum = choices.get(key)
        if enum is not None:
            value = _named(enum, value)
        out.append((str(DATA_LABELS.get(key, key)), _short(value)))
    return out
