"""What the places services share: the permission guards (asking places/permissions.py) and the name check."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext

from gongzhi.core.errors import Forbidden, field_error
from gongzhi.core.permissions import require

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def _require_district_admin(actor: Actor | None, place: Any) -> None:
    """The district admin of ``place``'s district (its ``district_code``), a superuser or the system."""
    require(actor, "places.change_place", place, error=Forbidden(gettext("只有本区管理员可以维护区划和网格")))


def _require_community_editor(actor: Actor | None, obj: Any) -> None:
    """A population editor whose place covers ``obj``; anyone else meets a 404."""
    require(actor, "places.change_household", obj)


def _name(value: str, field: str = "name", label: str = "名称", max_length: int = 50) -> str:
    value = (value or "").strip()
    if not value:
        raise field_error(field, gettext("请填写%(label)s") % {"label": label}, code="required")
    if len(value) > max_length:
        raise field_error(
            field, gettext("%(label)s不能超过%(max_length)s个字") % {"label": label, "max_length": max_length}
        )
    return value
