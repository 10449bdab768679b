"""Administrative division codes: GB/T 2260 district codes, 12-digit statistical codes, 15-digit grid codes.

Each validator returns the normalised code or raises ``ValidationFailed`` with a Chinese message, so a
wrong code is caught at the edge with the field that carries it.
"""

from __future__ import annotations

import re
from enum import StrEnum

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongzhi.core.errors import field_error

_DIGITS = re.compile(r"^\d+$")


class TownshipKind(StrEnum):
    SUBDISTRICT = "subdistrict"  # 街道 001–099
    TOWN = "town"  # 镇 100–199
    TOWNSHIP = "township"  # 乡 200–399
    OTHER = "other"  # 400–599: development zones, farms and similar


class CommunityKind(models.TextChoices):
    """The one definition (places.enums re-exports it for the Community model): the code decides the kind."""

    URBAN = "urban", _("城市社区（居委会）")  # 居委会 001–199
    VILLAGE = "village", _("村（村委会）")  # 村委会 200–399


def _digits(value: str, length: int, field: str, label: str) -> str:
    value = (value or "").strip()
    if len(value) != length or not _DIGITS.match(value):
        raise field_error(
            field,
            gettext("%(label)s应为%(length)s位数字，收到“%(value)s”")
            % {"label": label, "length": length, "value": value},
        )
    return value


def validate_district_code(value: str, field: str = "code") -> str:
    """GB/T 2260: 2 province + 2 city + 2 county digits, none of the pairs 00 for a county."""
    code = _digits(value, 6, field, "区县代码")
    province, city, county = int(code[:2]), int(code[2:4]), int(code[4:6])
    if not 11 <= province <= 82:
        raise field_error(
            field, gettext("区县代码“%(code)s”的省级代码%(value)s不存在") % {"code": code, "value": code[:2]}
        )
    if city == 0 and province not in (11, 12, 31, 50):
        raise field_error(field, gettext("区县代码“%(code)s”的地市代码不能为00") % {"code": code})
    if not (1 <= city <= 70 or city == 90 or (city == 0 and province in (11, 12, 31, 50))):
        raise field_error(
            field,
            gettext("区县代码“%(code)s”的地市代码%(value)s不在01–70或90范围内")
            % {"code": code, "value": code[2:4]},
        )
    if county == 0:
        raise field_error(
            field, gettext("区县代码“%(code)s”的县级代码不能为00（那是地市本身）") % {"code": code}
        )
    return code


def township_kind(segment: int) -> TownshipKind:
    if 1 <= segment <= 99:
        return TownshipKind.SUBDISTRICT
    if 100 <= segment <= 199:
        return TownshipKind.TOWN
    if 200 <= segment <= 399:
        return TownshipKind.TOWNSHIP
    if 400 <= segment <= 599:
        return TownshipKind.OTHER
    raise ValueError(segment)


def validate_subdistrict_code(value: str, district_code: str | None = None, field: str = "code") -> str:
    """12-digit statistical code of a township-level unit: 6 district + 3 township + 000."""
    code = _digits(value, 12, field, "街道（乡镇）统计用区划代码")
    validate_district_code(code[:6], field)
    if district_code and code[:6] != district_code:
        raise field_error(
            field,
            gettext("代码“%(code)s”不属于区县%(district_code)s")
            % {"code": code, "district_code": district_code},
        )
    segment = int(code[6:9])
    if not 1 <= segment <= 599:
        raise field_error(
            field,
            gettext("代码“%(code)s”的乡级代码%(value)s应在001–599之间") % {"code": code, "value": code[6:9]},
        )
    if code[9:] != "000":
        raise field_error(field, gettext("街道（乡镇）代码“%(code)s”的最后三位应为000") % {"code": code})
    return code


def validate_community_code(
    value: str, subdistrict_code: str | None = None, kind: str | None = None, field: str = "code"
) -> str:
    """12-digit statistical code of a community (居委会 001–199) or village (村委会 200–399)."""
    code = _digits(value, 12, field, "社区（村）统计用区划代码")
    validate_subdistrict_code(code[:9] + "000", field=field)
    if subdistrict_code and code[:9] != subdistrict_code[:9]:
        raise field_error(
            field,
            gettext("代码“%(code)s”不属于街道（乡镇）%(subdistrict_code)s")
            % {"code": code, "subdistrict_code": subdistrict_code},
        )
    segment = int(code[9:])
    if not 1 <= segment <= 399:
        raise field_error(
            field,
            gettext("代码“%(code)s”的村级代码%(value)s应在001–399之间") % {"code": code, "value": code[9:]},
        )
    derived = community_kind(code)
    if kind and kind != derived:
        label = "居委会（001–199）" if derived == CommunityKind.URBAN else "村委会（200–399）"
        raise field_error(
            field, gettext("代码“%(code)s”是%(label)s，与所选类型不符") % {"code": code, "label": label}
        )
    return code


def community_kind(code: str) -> CommunityKind:
    return CommunityKind.URBAN if int(code[9:12]) <= 199 else CommunityKind.VILLAGE


def validate_grid_code(value: str, community_code: str | None = None, field: str = "code") -> str:
    """15 digits = 6 district + 3 subdistrict + 3 community + 3 sequence (001–999)."""
    code = _digits(value, 15, field, "网格编码")
    validate_community_code(code[:12], field=field)
    if community_code and code[:12] != community_code:
        raise field_error(
            field,
            gettext("网格编码“%(code)s”的前12位应为所属社区代码%(community_code)s")
            % {"code": code, "community_code": community_code},
        )
    if code[12:] == "000":
        raise field_error(field, gettext("网格编码“%(code)s”的顺序号不能为000") % {"code": code})
    return code


def subdistrict_of(community_code: str) -> str:
    return community_code[:9] + "000"


def community_of_grid(grid_code: str) -> str:
    return grid_code[:12]


_LEVELS = ("district", "subdistrict", "community", "grid")


def place_chain(code: str) -> list[str]:
    """A place code with the codes of the places above it, district first."""
    if len(code) == 6:
        return [code]
    if len(code) == 12 and code.endswith("000"):
        return [code[:6], code]
    if len(code) == 12:
        return [code[:6], code[:9] + "000", code]
    if len(code) == 15:
        return [code[:6], code[:9] + "000", code[:12], code]
    return []


def common_place(codes: list[str] | set[str]) -> dict[str, str]:
    """The place codes of the smallest place containing all the given places ({} when none)."""
    chains = [c for c in (place_chain(code) for code in codes) if c]
    out: dict[str, str] = {}
    if not chains:
        return out
    for depth, level in enumerate(_LEVELS):
        values = {chain[depth] if len(chain) > depth else "" for chain in chains}
        if len(values) != 1 or "" in values:
            break
        out[f"{level}_code"] = values.pop()
    return out
