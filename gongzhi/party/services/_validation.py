"""Input checks the party services share: texts, the unified social credit code, a grid of a community,
skills, a service record's hours and date. Each raises (or returns) the field error the forms and the API
show. And who a member or a unit is, for the refusal of deciding on one's own registration, claim or
service record (``core.duties``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext
from stdnum.cn import uscc as cn_uscc
from stdnum.exceptions import InvalidChecksum, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError

from gongzhi.core import bounds
from gongzhi.core.errors import field_error
from gongzhi.party.enums import SKILL_VALUES
from gongzhi.party.models import PartyMember, Unit
from gongzhi.places.models import Community, Grid


def normalise_uscc(value: str, field: str = "uscc") -> str:
    raw = cn_uscc.compact(value or "")
    if not raw:
        raise field_error(field, gettext("请填写统一社会信用代码"), code="required")
    try:
        return cn_uscc.validate(raw)
    except InvalidLength as exc:
        raise field_error(field, gettext("统一社会信用代码应为18位，收到%(n)s位") % {"n": len(raw)}) from exc
    except InvalidChecksum as exc:
        raise field_error(field, gettext("统一社会信用代码校验位错误，请核对后重新填写")) from exc
    except StdnumError as exc:
        raise field_error(field, gettext("统一社会信用代码格式错误")) from exc


MAX_HOURS_PER_DAY = Decimal("24")
HOURS_STEP = Decimal("0.5")


def parse_service_hours(value: Any) -> tuple[Decimal | None, str]:
    """Hours as a Decimal, or the Chinese reason it is not acceptable."""
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None, "服务时长应为数字，如 1.5"
    if not hours.is_finite():
        return None, "服务时长应为数字，如 1.5"
    if hours <= 0:
        return None, "服务时长应大于0小时"
    if hours > MAX_HOURS_PER_DAY:
        return None, "服务时长不能超过24小时"
    if hours % HOURS_STEP != 0:
        return None, "服务时长以0.5小时为单位，如 1、1.5、2"
    return hours, ""


def parse_service_date(value: Any) -> tuple[dt.date | None, str]:
    if isinstance(value, dt.datetime):
        return value.date(), ""
    if isinstance(value, dt.date):
        return value, ""
    try:
        day = dt.date.fromisoformat(str(value).strip())
    except ValueError:
        return None, "服务日期格式应为 2026-10-01"
    return (day, "") if bounds.date_in_range(day) else (None, bounds.DATE_MESSAGE)


def required_text(value: str, field: str, label: str, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise field_error(field, gettext("请填写%(label)s") % {"label": label}, code="required")
    if len(value) > max_length:
        raise field_error(
            field, gettext("%(label)s不能超过%(max_length)s个字") % {"label": label, "max_length": max_length}
        )
    return value


def optional_text(value: str | None, field: str, label: str, max_length: int) -> str:
    value = (value or "").strip()
    if len(value) > max_length:
        raise field_error(
            field, gettext("%(label)s不能超过%(max_length)s个字") % {"label": label, "max_length": max_length}
        )
    return value


def grid_of_community(community: Community, grid_code: str | None, field: str = "grid_code") -> Grid:
    grid = Grid.objects.filter(code=(grid_code or "").strip()).first()
    if grid is None:
        raise field_error(field, gettext("网格“%(grid_code)s”不存在") % {"grid_code": grid_code})
    if grid.community_id != community.pk:
        raise field_error(
            field,
            gettext("网格“%(name)s”不属于%(name2)s，请选择本社区的网格")
            % {"name": grid.name, "name2": community.name},
        )
    return grid


def member_skills(values: list[str] | None) -> list[str]:
    """A member's skills as they registered them: known categories, each once, in their order."""
    out: list[str] = []
    for v in values or []:
        if v not in SKILL_VALUES:
            raise field_error("skills", gettext("未知的特长类别“%(v)s”") % {"v": v})
        if v not in out:
            out.append(v)
    return out


def server_users(*, member_id: int | None = None, unit_id: int | None = None) -> set[int]:
    """The accounts a member is (their own and their resident record's) and a unit's liaison."""
    out: set[int] = set()
    if member_id:
        row = PartyMember.objects.filter(pk=member_id).values_list("user_id", "person__user_id").first()
        out.update(pk for pk in (row or ()) if pk is not None)
    if unit_id:
        liaison = Unit.objects.filter(pk=unit_id).values_list("liaison_id", flat=True).first()
        if liaison is not None:
            out.add(liaison)
    return out


def own_member_ids(actor: Any, member_ids: set[int]) -> set[int]:
    """Which of ``member_ids`` are the actor's own member records (their account's or their resident
    record's); none for the system."""
    if actor is None:
        return set()
    mine = Q(user_id=actor.pk) | Q(person__user_id=actor.pk)
    return set(PartyMember.objects.filter(mine, pk__in=member_ids).values_list("pk", flat=True))


def own_phone_hashes(actor: Any) -> set[str]:
    """The phones that are the actor: their account's and those of their own member records."""
    if actor is None:
        return set()
    mine = Q(user_id=actor.pk) | Q(person__user_id=actor.pk)
    own = set(PartyMember.objects.filter(mine).values_list("phone_hash", flat=True))
    own.add(str(getattr(actor, "phone_hash", "") or ""))
    return own - {""}


def nth(i: int, message: str) -> str:
    """“第3条：…”: the item of a batch a refusal is about."""
    return gettext("第%(i)s条：%(message)s") % {"i": i, "message": message}
