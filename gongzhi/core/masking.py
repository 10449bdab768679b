"""The one filter every public free text passes (Open311 descriptions, status notes and updates, public
project titles): phone numbers, ID numbers, door-level address fragments and the names of given persons
are replaced by placeholders; and the one rule for how far an address or a point is published.

Pure text work: the caller says which names to hide (the persons registered at the ticket's household or
address and the reporter: ``people.selectors.person_names_by_household``), so core imports no app.

What is masked:

- mobile numbers, with or without +86 and with spaces or dashes (138 1234 5678, 138-1234-5678);
- landlines with an area code ((0531)8888-1234, 0531-88881234, 010 12345678);
- ID numbers, 18 digits (the last may be X) and the old 15-digit form, with or without spaces;
- any other run of 15 or more digits (bank cards);
- door-level address fragments: 3号楼2单元301室, 3栋201, 三号楼二单元, 3-2-301, 楼上302, 幸福路12号;
- the given names, longest first (a name of one character is not masked: it would eat ordinary words).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

NAME_MASK = "某某"
NUMBER_MASK = "***"
DOOR_MASK = "某处"

_D = r"(?<![0-9])"  # not inside a longer run of digits
_E = r"(?![0-9])"
# 18-digit ID numbers (last X), with optional single spaces or dashes after the area and the birth date.
_ID18 = _D + r"[1-9][0-9]{5}[\s-]?[0-9]{8}[\s-]?[0-9]{3}[0-9Xx](?![0-9A-Za-z])"
_ID15 = _D + r"[1-9][0-9]{14}" + _E
_LONG = _D + r"[0-9]{15,}" + _E
_MOBILE = _D + r"(?:(?:\+|00)?86[\s-]?)?1[3-9][0-9][\s-]?[0-9]{4}[\s-]?[0-9]{4}" + _E
# An area code (010, 02x, 0xxx), bracketed or not, then a 7- or 8-digit local number, maybe an extension.
_LANDLINE = (
    _D + r"(?:\(0[0-9]{2,3}\)|（0[0-9]{2,3}）|0[0-9]{2,3})[\s-]?[1-9][0-9]{2,3}[\s-]?[0-9]{4}"
    r"(?:[\s-]?(?:转|ext\.?|-)[0-9]{1,5})?" + _E
)
NUMBER_RE = re.compile("|".join(f"(?:{p})" for p in (_ID18, _ID15, _LONG, _MOBILE, _LANDLINE)))

_UNIT = r"(?:号楼|号院|栋|幢|座|单元|门洞|层|楼|室|号(?![线码机位]))"
_CN_UNIT = r"(?:号楼|栋|幢|单元|室)"  # after a Chinese numeral only these (两户人家, 一楼大厅 are words)
_PART = rf"(?:(?:[0-9]{{1,5}}|[A-Za-z](?![A-Za-z])[0-9]{{0,4}})\s*{_UNIT}|[一二三四五六七八九十百零〇两]{{1,4}}{_CN_UNIT})"
# One or more parts in a row (3号楼2单元301室), optionally ending in a bare room number (…1单元101).
_DOOR_CHAIN = rf"(?<![0-9月A-Za-z])(?:{_PART}\s*[-－]?\s*)+(?:[0-9]{{1,5}}(?:室|房|号)?)?"
_DASHED = _D + r"[0-9]{1,3}\s*[-－]\s*[0-9]{1,2}\s*[-－]\s*[0-9]{2,5}" + _E  # 3-2-301
_BY_NEIGHBOUR = r"(?<=楼上|楼下|隔壁|对门|对面)[0-9]{2,5}"  # 楼上302
_ROOM = _D + r"[0-9]{3,5}(?:室|房间|房)"
DOOR_RE = re.compile("|".join(f"(?:{p})" for p in (_DASHED, _BY_NEIGHBOUR, _ROOM, _DOOR_CHAIN)))

# The part of a free-text address that names a road (the shortest prefix ending in a road word).
_ROAD_RE = re.compile(r"^[^0-9０-９]{1,30}?(?:大街|大道|胡同|路|街|巷|弄)")


def mask_numbers(text: str) -> str:
    return NUMBER_RE.sub(NUMBER_MASK, text)


def mask_doors(text: str) -> str:
    return DOOR_RE.sub(lambda m: DOOR_MASK if m.group(0).strip() else m.group(0), text)


def mask_names(text: str, names: Iterable[str]) -> str:
    for name in sorted({n.strip() for n in names if len(n.strip()) >= 2}, key=len, reverse=True):
        text = text.replace(name, NAME_MASK)
    return text


def mask_public_text(text: str | None, names: Iterable[str] = ()) -> str:
    """``text`` as the public may read it: names first (a name never holds digits), then numbers, then
    door numbers (so a phone's digits are not half-read as a room)."""
    out = mask_names(text or "", names)
    out = mask_numbers(out)
    return mask_doors(out)


def road_of(address: str | None) -> str:
    """The road a free-text address names (``银山路与济北路路口东侧`` → ``银山路``), else ""."""
    match = _ROAD_RE.match((address or "").strip())
    return match.group(0) if match else ""


# Points: about 100 m for what anyone may see, about 1 km (a community) for a resident's own affairs.
PUBLIC_POINT_DECIMALS = 3
PRIVATE_POINT_DECIMALS = 2


def coarse(value: float | None, decimals: int = PUBLIC_POINT_DECIMALS) -> float | None:
    return None if value is None else round(float(value), decimals)
