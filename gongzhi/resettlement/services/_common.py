"""What the resettlement services share: field errors, text and decimal checks, the locked project."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from gongzhi.core.errors import Conflict, NotFound, ValidationFailed
from gongzhi.core.permissions import require
from gongzhi.resettlement.enums import ProjectStatus
from gongzhi.resettlement.models import ResettlementProject

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationFailed(next(iter(errors.values())), fields=errors)


def _text(errors: dict[str, str], name: str, value: str, label: str, max_len: int, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[name] = f"请填写{label}"
    elif len(value) > max_len:
        errors[name] = f"{label}不能超过{max_len}个字"
    elif "|" in value:
        errors[name] = f"{label}不能含有“|”"
    return value


def _decimal(
    errors: dict[str, str], name: str, value: Any, label: str, *, low: Decimal, high: Decimal, places: int = 2
) -> Decimal:
    """A decimal from text or Decimal (never float), with at most ``places`` decimals, in [low, high]."""
    if isinstance(value, float):
        value = str(value)
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors[name] = f"{label}应为数字"
        return Decimal(0)
    if not d.is_finite() or d < low or d > high:
        errors[name] = f"{label}应在{low}到{high}之间"
    elif -d.as_tuple().exponent > places:  # type: ignore[operator]
        errors[name] = f"{label}最多保留{places}位小数"
    return d


def _project(actor: Actor | None, project_id: int, *, lock: bool = True) -> ResettlementProject:
    qs = ResettlementProject.objects.select_for_update() if lock else ResettlementProject.objects
    project = qs.filter(pk=project_id).first()
    if project is None:
        raise NotFound("安置项目不存在或无权查看")
    require(actor, "resettlement.manage_project", project)
    return project


def _still_preparing(project: ResettlementProject) -> None:
    if project.status != ProjectStatus.PREPARING:
        raise Conflict("名单已封存，不能再改动安置对象、房源或搭配", code="list_committed")


def _codes(project: ResettlementProject) -> dict[str, str]:
    return {
        "district_code": project.district_code,
        "subdistrict_code": project.subdistrict_code,
        "community_code": project.community_code,
        "grid_code": "",
    }
