"""Writes of the rule catalogue (积分规则): a district's rules and a community's variants, each change a
new version (the old one ends the day before), so that an entry always cites the version it was decided
under; and a community's scheme (points group, year end, how names are shown)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.core import bounds
from gongzhi.core.errors import NotFound, ValidationFailed
from gongzhi.core.permissions import require
from gongzhi.points.enums import Direction, Evidence, NameStyle, RuleCategory, RuleSource, RuleUnit, YearEnd
from gongzhi.points.models import PointRule, Scheme
from gongzhi.points.services._validation import _text, _whole, raise_errors
from gongzhi.points.services.ledger import scheme_of

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


@dataclass
class RuleInput:
    code: str
    name: str
    direction: str
    category: str
    points_min: Any
    points_max: Any
    unit: str = RuleUnit.PER_TIME
    evidence: str = Evidence.NONE
    yearly_cap: Any = 0
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    source: str = RuleSource.MANUAL


def _clean(data: RuleInput) -> dict[str, Any]:
    errors: dict[str, str] = {}
    out: dict[str, Any] = {
        "code": _text(errors, "code", data.code, gettext("规则编号"), 20),
        "name": _text(errors, "name", data.name, gettext("规则名称"), 100),
        "points_min": _whole(errors, "points_min", data.points_min, gettext("最低分值"), 1),
        "points_max": _whole(errors, "points_max", data.points_max, gettext("最高分值"), 1),
        "yearly_cap": _whole(errors, "yearly_cap", data.yearly_cap or 0, gettext("年度上限"), 0),
    }
    for name, value, choices, label in (
        ("direction", data.direction, Direction, "加分或扣分"),
        ("category", data.category, RuleCategory, "类别"),
        ("unit", data.unit, RuleUnit, "计分单位"),
        ("evidence", data.evidence, Evidence, "所需佐证"),
        ("source", data.source, RuleSource, "积分来源"),
    ):
        if value not in choices.values:
            errors[name] = gettext("%(label)s无法识别") % {"label": label}
        out[name] = value
    if "points_min" not in errors and "points_max" not in errors and out["points_max"] < out["points_min"]:
        errors["points_max"] = gettext("最高分值不能小于最低分值")
    if data.valid_from is None or not bounds.date_in_range(data.valid_from):
        errors["valid_from"] = gettext("请填写生效日期")
    if data.valid_to is not None and data.valid_from is not None and data.valid_to < data.valid_from:
        errors["valid_to"] = gettext("失效日期不能早于生效日期")
    if data.source != RuleSource.MANUAL and data.direction != Direction.AWARD:
        errors["source"] = gettext("由其他模块生成的积分只能是加分")
    raise_errors(errors)
    out.update(valid_from=data.valid_from, valid_to=data.valid_to)
    return out


def _place(district_code: str, community_id: int | None) -> tuple[Any, dict[str, str]]:
    from gongzhi.places.models import Community

    if community_id:
        community = Community.objects.filter(pk=community_id).first()
        if community is None:
            raise ValidationFailed(gettext("请选择社区"), fields={"community_id": gettext("社区不存在")})
        return community, {"community_code": community.code}
    if not (district_code and len(district_code) == 6 and district_code.isdigit()):
        raise ValidationFailed(
            gettext("请选择社区或区县"), fields={"community_id": gettext("请选择社区或区县")}
        )
    return None, {"district_code": district_code}


@transaction.atomic
def rule_create(
    *, actor: Actor | None, data: RuleInput, community_id: int | None = None, district_code: str = ""
) -> PointRule:
    community, codes = _place(district_code, community_id)
    rule = PointRule(community=community, **_clean(data))
    if community is not None:
        rule.set_place_codes(community_code=community.code)
    else:
        rule.district_code = codes["district_code"]
    require(actor, "points.manage_rule", rule)
    if PointRule.objects.filter(
        district_code=rule.district_code, community_code=rule.community_code, code=rule.code
    ).exists():
        raise ValidationFailed(
            gettext("规则编号已存在，修改规则请发布新版本"), fields={"code": gettext("规则编号已存在")}
        )
    rule.created_by_id = getattr(actor, "pk", None)
    rule.save()
    audit_record(
        actor=actor, target=rule, event="points.rule_created", data={"code": rule.code, "version": 1}
    )
    return rule


@transaction.atomic
def rule_revise(*, actor: Actor, rule_id: int, data: RuleInput) -> PointRule:
    """A new version from ``data.valid_from``; the current version ends the day before."""
    old = PointRule.objects.select_for_update().filter(pk=rule_id).first()
    if old is None:
        raise NotFound()
    require(actor, "points.manage_rule", old)
    data.code = old.code
    clean = _clean(data)
    latest = (
        PointRule.objects.filter(
            district_code=old.district_code, community_code=old.community_code, code=old.code
        )
        .order_by("-version")
        .first()
    )
    if latest is None or latest.pk != old.pk:
        raise ValidationFailed(
            gettext("只能修订规则的最新版本"), fields={"rule_id": gettext("只能修订最新版本")}
        )
    if clean["valid_from"] <= old.valid_from:
        raise ValidationFailed(
            gettext("新版本的生效日期应晚于现行版本"),
            fields={"valid_from": gettext("应晚于现行版本的生效日期")},
        )
    old.valid_to = clean["valid_from"] - dt.timedelta(days=1)
    old.save(update_fields=["valid_to", "updated_at"])
    new = PointRule(community=old.community, version=old.version + 1, created_by_id=actor.pk, **clean)
    new.district_code, new.subdistrict_code = old.district_code, old.subdistrict_code
    new.community_code, new.grid_code = old.community_code, old.grid_code
    new.save()
    audit_record(
        actor=actor, target=new, event="points.rule_revised", data={"code": new.code, "version": new.version}
    )
    return new


@transaction.atomic
def scheme_update(
    *, actor: Actor, community_id: int, group_members: str, year_end: str, name_style: str
) -> Scheme:
    from gongzhi.places.models import Community

    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        raise NotFound()
    require(actor, "points.manage_rule", community)
    errors: dict[str, str] = {}
    members = _text(errors, "group_members", group_members, gettext("积分管理小组成员"), 300, required=False)
    if year_end not in YearEnd.values:
        errors["year_end"] = gettext("年度积分处理方式无法识别")
    if name_style not in NameStyle.values:
        errors["name_style"] = gettext("公示姓名方式无法识别")
    raise_errors(errors)
    scheme = Scheme.objects.select_for_update().get(pk=scheme_of(community).pk)
    scheme.group_members, scheme.year_end, scheme.name_style = members, year_end, name_style
    scheme.save(update_fields=["group_members", "year_end", "name_style", "updated_at"])
    audit_record(
        actor=actor,
        target=scheme,
        event="points.scheme_updated",
        data={"year_end": year_end, "name_style": name_style},
    )
    return scheme
