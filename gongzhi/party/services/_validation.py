"""Input checks the party services share: texts, the unified social credit code, a grid of a community,
skills. Each raises the field error the forms and the API show. And who a member or a unit is, for the
refusal of deciding on one's own registration, claim or service record (``core.duties``)."""

from __future__ import annotations

from stdnum.cn import uscc as cn_uscc
from stdnum.exceptions import InvalidChecksum, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError

from gongzhi.core.errors import field_error
from gongzhi.party.enums import SKILL_VALUES
from gongzhi.party.models import PartyMember, Unit
from gongzhi.places.models import Community, Grid


def normalise_uscc(value: str, field: str = "uscc") -> str:
    raw = cn_uscc.compact(value or "")
    if not raw:
        raise field_error(field, "请填写统一社会信用代码", code="required")
    try:
        return cn_uscc.validate(raw)
    except InvalidLength as exc:
        raise field_error(field, f"统一社会信用代码应为18位，收到{len(raw)}位") from exc
    except InvalidChecksum as exc:
        raise field_error(field, "统一社会信用代码校验位错误，请核对后重新填写") from exc
    except StdnumError as exc:
        raise field_error(field, "统一社会信用代码格式错误") from exc


def required_text(value: str, field: str, label: str, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise field_error(field, f"请填写{label}", code="required")
    if len(value) > max_length:
        raise field_error(field, f"{label}不能超过{max_length}个字")
    return value


def optional_text(value: str | None, field: str, label: str, max_length: int) -> str:
    value = (value or "").strip()
    if len(value) > max_length:
        raise field_error(field, f"{label}不能超过{max_length}个字")
    return value


def grid_of_community(community: Community, grid_code: str | None, field: str = "grid_code") -> Grid:
    grid = Grid.objects.filter(code=(grid_code or "").strip()).first()
    if grid is None:
        raise field_error(field, f"网格“{grid_code}”不存在")
    if grid.community_id != community.pk:
        raise field_error(field, f"网格“{grid.name}”不属于{community.name}，请选择本社区的网格")
    return grid


def member_skills(values: list[str] | None) -> list[str]:
    """A member's skills as they registered them: known categories, each once, in their order."""
    out: list[str] = []
    for v in values or []:
        if v not in SKILL_VALUES:
            raise field_error("skills", f"未知的特长类别“{v}”")
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
