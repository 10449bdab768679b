"""The category tree, edited by the district admin: two levels only (a small class's parent is a major
class), codes unique and fixed once created, every field validated with a Chinese field message, each
save audited as ``tickets.category_saved`` with the changed fields."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.core.errors import Forbidden, NotFound, ValidationFailed, field_error
from gongzhi.core.permissions import require
from gongzhi.tickets.enums import CategoryKind, Level
from gongzhi.tickets.models import LIMIT_UNITS, Category

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

CODE_RE = re.compile(r"^[0-9A-Za-z]{1,12}$")
QUESTION_CODE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,29}$")
DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")
LIST_TYPES = ("singlevaluelist", "multivaluelist")
MAX_QUESTIONS = 20
MAX_VALUES = 50
HOUR_UNITS = ("working_hours", "hours")
UNITS = tuple(u for u, _label in LIMIT_UNITS)
# What category_update may change (the code never changes).
EDITABLE = (
    "parent_code",
    "name",
    "kind",
    "description",
    "keywords",
    "default_level",
    "department_code",
    "limit_amount",
    "limit_unit",
    "close_conditions",
    "public",
    "active",
    "order",
    "questions",
)


def _require(actor: Actor | None) -> None:
    require(actor, "tickets.change_category", error=Forbidden(gettext("只有区级管理员可以修改事件分类")))


def _str(values: dict[str, Any], name: str, label: str, max_length: int, *, required: bool = False) -> str:
    raw = values.get(name)
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        raise field_error(name, gettext("%(label)s应为文本") % {"label": label})
    value = raw.strip()
    if required and not value:
        raise field_error(name, gettext("请填写%(label)s") % {"label": label}, code="required")
    if len(value) > max_length:
        raise field_error(
            name, gettext("%(label)s不能超过%(max_length)s个字") % {"label": label, "max_length": max_length}
        )
    return value


def _bool(values: dict[str, Any], name: str, label: str) -> bool:
    value = values.get(name)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in (
        "1",
        "true",
        "on",
        "yes",
        "是",
        "0",
        "false",
        "off",
        "no",
        "否",
        "",
    ):
        return value.lower() in ("1", "true", "on", "yes", "是")
    raise field_error(name, gettext("%(label)s应为是或否") % {"label": label})


def _int(values: dict[str, Any], name: str, label: str, low: int, high: int) -> int:
    value = values.get(name)
    if isinstance(value, bool):
        raise field_error(name, gettext("%(label)s应为整数") % {"label": label})
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise field_error(name, gettext("%(label)s应为整数") % {"label": label}) from None
    if not low <= number <= high:
        raise field_error(
            name, gettext("%(label)s应在%(low)s到%(high)s之间") % {"label": label, "low": low, "high": high}
        )
    return number


def clean_questions(raw: Any) -> list[dict[str, Any]]:
    """The extra questions (Open311 attributes): [{code, label, datatype, required, values: [{key, name}]}]."""
    if raw in (None, ""):
        return []
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise field_error("questions", gettext("补充问题不是有效的JSON")) from None
    if not isinstance(raw, list):
        raise field_error("questions", gettext("补充问题应为列表"))
    if len(raw) > MAX_QUESTIONS:
        raise field_error(
            "questions", gettext("补充问题最多%(MAX_QUESTIONS)s个") % {"MAX_QUESTIONS": MAX_QUESTIONS}
        )
    out: list[dict[str, Any]] = []
    codes: set[str] = set()
    for i, q in enumerate(raw, start=1):
        where = f"第{i}个补充问题"
        if not isinstance(q, dict):
            raise field_error("questions", gettext("%(where)s应为对象") % {"where": where})
        code = str(q.get("code", "")).strip()
        if not QUESTION_CODE_RE.match(code):
            raise field_error(
                "questions",
                gettext("%(where)s的代码应以字母开头，由字母、数字和下划线组成（最多30位）")
                % {"where": where},
            )
        if code in codes:
            raise field_error(
                "questions", gettext("%(where)s的代码“%(code)s”重复") % {"where": where, "code": code}
            )
        codes.add(code)
        label = str(q.get("label", "")).strip()
        if not label or len(label) > 50:
            raise field_error(
                "questions", gettext("%(where)s请填写问题名称（不超过50个字）") % {"where": where}
            )
        datatype = q.get("datatype", "string")
        if datatype not in DATATYPES:
            raise field_error("questions", f"{where}的类型应为：{'、'.join(DATATYPES)}")
        required = q.get("required", False)
        if not isinstance(required, bool):
            raise field_error("questions", gettext("%(where)s的“必答”应为 true 或 false") % {"where": where})
        values = q.get("values", []) or []
        if not isinstance(values, list):
            raise field_error("questions", gettext("%(where)s的可选项应为列表") % {"where": where})
        if datatype in LIST_TYPES and not values:
            raise field_error("questions", gettext("%(where)s是选择题，请填写可选项") % {"where": where})
        if datatype not in LIST_TYPES and values:
            raise field_error("questions", gettext("%(where)s不是选择题，不能有可选项") % {"where": where})
        if len(values) > MAX_VALUES:
            raise field_error(
                "questions",
                gettext("%(where)s的可选项最多%(MAX_VALUES)s个") % {"where": where, "MAX_VALUES": MAX_VALUES},
            )
        clean_values = []
        keys: set[str] = set()
        for j, v in enumerate(values, start=1):
            if not isinstance(v, dict):
                raise field_error(
                    "questions",
                    gettext("%(where)s的第%(j)s个可选项应为 {key, name}") % {"where": where, "j": j},
                )
            key, name = str(v.get("key", "")).strip(), str(v.get("name", "")).strip()
            if not key or not name or len(key) > 30 or len(name) > 50:
                raise field_error(
                    "questions",
                    gettext("%(where)s的第%(j)s个可选项需有 key（≤30位）和 name（≤50字）")
                    % {"where": where, "j": j},
                )
            if key in keys:
                raise field_error(
                    "questions", gettext("%(where)s的可选项 key“%(key)s”重复") % {"where": where, "key": key}
                )
            keys.add(key)
            clean_values.append({"key": key, "name": name})
        out.append(
            {"code": code, "label": label, "datatype": datatype, "required": required, "values": clean_values}
        )
    return out


def _parent(code: str, *, child: Category | None = None) -> Category | None:
    code = (code or "").strip()
    if not code:
        return None
    parent = Category.objects.filter(code=code).first()
    if parent is None:
        raise field_error("parent_code", gettext("大类“%(code)s”不存在") % {"code": code})
    if parent.parent_id is not None:
        raise field_error("parent_code", gettext("分类只有两级：只能在大类下添加小类"))
    if child is not None and parent.pk == child.pk:
        raise field_error("parent_code", gettext("不能把分类设为自己的下级"))
    return parent


def _clean(values: dict[str, Any], *, current: Category | None) -> dict[str, Any]:
    """The fields given in ``values``, cleaned; for a new category every field (defaults filled)."""
    out: dict[str, Any] = {}
    given = set(values) if current is not None else set(EDITABLE)
    if "name" in given:
        out["name"] = _str(values, "name", "名称", 50, required=True)
    if "description" in given:
        out["description"] = _str(values, "description", "说明", 200)
    if "keywords" in given:
        out["keywords"] = " ".join(
            re.split(r"[\s,，、;；]+", _str(values, "keywords", "关键词", 200))
        ).strip()
    if "close_conditions" in given:
        out["close_conditions"] = _str(values, "close_conditions", "结案条件", 200)
    if "department_code" in given:
        dept = _str(values, "department_code", "责任部门代码", 30)
        if dept:
            from gongzhi.places.models import Department

            if not Department.objects.filter(code=dept).exists():
                raise field_error("department_code", gettext("责任部门代码“%(dept)s”不存在") % {"dept": dept})
        out["department_code"] = dept
    if "default_level" in given:
        level = values.get("default_level") or Level.GRID
        if level not in Level.values:
            raise field_error("default_level", gettext("默认处置层级应为：网格、社区、街道、区级或职能部门"))
        out["default_level"] = level
    if "kind" in given and values.get("kind"):
        if values["kind"] not in CategoryKind.values:
            raise field_error("kind", gettext("类别应为：事件类、部件类或社区事务类"))
        out["kind"] = values["kind"]
    if "limit_unit" in given:
        unit = values.get("limit_unit") or "working_days"
        if unit not in UNITS:
            raise field_error("limit_unit", gettext("时限单位应为：工作时、工作日、自然日或小时"))
        out["limit_unit"] = unit
    if "limit_amount" in given or "limit_unit" in given:
        unit = out.get("limit_unit") or (current.limit_unit if current else "working_days")
        amount = values.get("limit_amount", current.limit_amount if current else 3)
        if amount in (None, "") and current is None:
            amount = 3
        high = 2000 if unit in HOUR_UNITS else 365
        out["limit_amount"] = _int({"limit_amount": amount}, "limit_amount", "处置时限", 1, high)
    for name, label in (("public", "接受居民和外部系统上报"), ("active", "启用")):
        if name in given:
            out[name] = _bool({name: values.get(name, True)}, name, label)
    if "order" in given:
        out["order"] = _int({"order": values.get("order", 0) or 0}, "order", "排序", 0, 32767)
    if "questions" in given:
        out["questions"] = clean_questions(values.get("questions"))
    return out


def _check_name(name: str, parent: Category | None, kind: str, exclude: int | None) -> None:
    siblings = Category.objects.filter(parent=parent, name=name)
    if parent is None:
        siblings = siblings.filter(kind=kind)
    if exclude:
        siblings = siblings.exclude(pk=exclude)
    if siblings.exists():
        raise field_error("name", f"同一{'大类' if parent else '类别'}下已有名为“{name}”的分类")


def _snapshot(c: Category) -> dict[str, Any]:
    return {
        "parent_code": c.parent.code if c.parent_id and c.parent else "",
        **{f: getattr(c, f) for f in EDITABLE if f != "parent_code"},
    }


@transaction.atomic
def category_create(*, actor: Actor | None, code: str, values: dict[str, Any]) -> Category:
    """A major class (no parent_code) or a small class under a major class."""
    _require(actor)
    code = (code or "").strip()
    if not CODE_RE.match(code):
        raise field_error("code", gettext("分类代码应为1到12位数字或字母"))
    if Category.objects.filter(code=code).exists():
        raise field_error("code", gettext("分类代码“%(code)s”已存在") % {"code": code})
    parent = _parent(str(values.get("parent_code") or ""))
    clean = _clean(values, current=None)
    kind = parent.kind if parent else clean.get("kind") or ""
    if not kind:
        raise field_error("kind", gettext("请选择类别（事件类、部件类或社区事务类）"), code="required")
    if parent and clean.get("kind") and clean["kind"] != parent.kind:
        raise field_error("kind", gettext("小类的类别须与所属大类一致"))
    clean["kind"] = kind
    _check_name(clean["name"], parent, kind, exclude=None)
    category = Category(code=code, parent=parent, **clean)
    try:
        with transaction.atomic():
            category.save(force_insert=True)
    except IntegrityError as exc:
        raise field_error("code", gettext("分类代码“%(code)s”已存在") % {"code": code}) from exc
    audit_record(
        actor=actor,
        target=category,
        event="tickets.category_saved",
        data={"created": True, "code": code, "values": _snapshot(category)},
    )
    return category


@transaction.atomic
def category_update(*, actor: Actor | None, code: str, values: dict[str, Any]) -> Category:
    """Changes the given fields; the code is fixed once created."""
    _require(actor)
    category = Category.objects.select_for_update(of=("self",)).filter(code=(code or "").strip()).first()
    if category is None:
        raise NotFound(gettext("事件分类不存在"))
    if "code" in values and str(values["code"]).strip() != category.code:
        raise field_error("code", gettext("分类代码创建后不能修改"))
    unknown = sorted(set(values) - set(EDITABLE) - {"code"})
    if unknown:
        raise ValidationFailed(
            f"不能修改的字段：{'、'.join(unknown)}", fields={unknown[0]: gettext("不能修改")}
        )
    before = _snapshot(category)
    clean = _clean(values, current=category)
    parent = category.parent
    if "parent_code" in values:
        parent = _parent(str(values.get("parent_code") or ""), child=category)
        if parent is not None and category.children.exists():
            raise field_error(
                "parent_code", gettext("该大类下已有小类，不能再挂到其他大类下（分类只有两级）")
            )
    kind = clean.get("kind", category.kind)
    if parent is not None and kind != parent.kind:
        if "kind" in clean:
            raise field_error("kind", gettext("小类的类别须与所属大类一致"))
        kind = parent.kind
    if parent is None and category.children.exists() and kind != category.kind:
        raise field_error("kind", gettext("该大类下已有小类，不能修改类别"))
    if "name" in clean or parent != category.parent or kind != category.kind:
        _check_name(clean.get("name", category.name), parent, kind, exclude=category.pk)
    for name, value in clean.items():
        setattr(category, name, value)
    category.kind, category.parent = kind, parent
    after = _snapshot(category)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if not changes:
        return category
    fields = sorted({("parent" if k == "parent_code" else k) for k in changes} | {"kind", "updated_at"})
    category.save(update_fields=fields)
    audit_record(
        actor=actor,
        target=category,
        event="tickets.category_saved",
        data={"created": False, "code": category.code, "changes": changes},
    )
    return category
