"""The bounds every value from outside is held to, whatever the field: the input edges.

- integers fit a signed 64-bit column (``INT_MIN``..``INT_MAX``): a 23-digit id is refused, never an
  ``OverflowError`` (SQLite) or ``DataError`` (PostgreSQL) 500; an integer named ``year`` is a calendar
  year (``YEAR_MIN``..``YEAR_MAX``);
- dates and datetimes lie in 1900–2100 (``DATE_MIN``..``DATE_MAX``): ``0001-01-01`` or ``9999-12-31``
  is refused before any arithmetic on it overflows;
- floats are finite (JSON's ``NaN``/``Infinity``, which Python's json module reads, are refused);
- lists hold at most ``MAX_LIST_ITEMS`` items;
- text loses its control characters (``clean_text``): C0 controls but tab, newline and carriage return,
  DEL, C1 controls, lone surrogates and the non-characters U+FFFE/U+FFFF are removed, so NUL is never
  stored and a ``\\x0b`` never reaches an export. Stripped rather than refused: they are invisible, come
  from pasting (Word, terminals) rather than from intent, and no legitimate text of this product holds
  one; a refusal would only make a resident retype a description they cannot see anything wrong in.

``held`` applies all of this to a value of any shape (pydantic models, dicts, lists) and returns it
cleaned, or raises ``ValidationFailed`` naming the field. config/api.py runs it on every API operation's
validated arguments; core.http (the console's query filters) and core.forms (every posted text field)
use the same bounds.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from django.utils.translation import gettext
from pydantic import BaseModel

from gongzhi.core.errors import ValidationFailed

INT_MIN = -(2**63)
INT_MAX = 2**63 - 1
YEAR_MIN = 1900
YEAR_MAX = 2100
DATE_MIN = dt.date(YEAR_MIN, 1, 1)
DATE_MAX = dt.date(YEAR_MAX, 12, 31)
MAX_LIST_ITEMS = 1000

INT_MESSAGE = "数值超出范围"
YEAR_MESSAGE = f"年份超出范围（{YEAR_MIN}—{YEAR_MAX}年）"
DATE_MESSAGE = f"日期超出范围（{YEAR_MIN}—{YEAR_MAX}年）"
FLOAT_MESSAGE = "数值无效"
LIST_MESSAGE = f"最多{MAX_LIST_ITEMS}项"

# C0 controls except \t \n \r; DEL and the C1 controls; lone surrogates; the non-characters U+FFFE/FFFF.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_text(value: str) -> str:
    """``value`` without control characters (see the module's docstring); the same object if it had none."""
    return CONTROL_CHARACTERS.sub("", value) if CONTROL_CHARACTERS.search(value) else value


def int_in_range(value: int) -> bool:
    return INT_MIN <= value <= INT_MAX


def year_in_range(value: int) -> bool:
    return YEAR_MIN <= value <= YEAR_MAX


def date_in_range(value: dt.date) -> bool:
    day = value.date() if isinstance(value, dt.datetime) else value
    return DATE_MIN <= day <= DATE_MAX


# pydantic's error types in Chinese; those with a limit name it (``max_length`` 100 → "不能超过100个字").
VALIDATION_MESSAGES = {
    "missing": "必填项",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "int_parsing_size": INT_MESSAGE,
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "finite_number": FLOAT_MESSAGE,
    "string_type": "应为文本",
    "string_unicode": "含有无效字符",
    "bool_parsing": "应为是/否",
    "bool_type": "应为是/否",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "json_invalid": "JSON格式错误",
    "literal_error": "取值不在可选范围内",
    "enum": "取值不在可选范围内",
    "date_parsing": "应为日期，如2026-03-02",
    "date_from_datetime_parsing": "应为日期，如2026-03-02",
    "datetime_parsing": "应为日期时间，如2026-03-02T08:00:00+08:00",
    "datetime_from_date_parsing": "应为日期时间，如2026-03-02T08:00:00+08:00",
}
LIMIT_MESSAGES = {
    "string_too_long": ("max_length", "不能超过{}个字"),
    "string_too_short": ("min_length", "至少{}个字"),
    "too_long": ("max_length", "最多{}项"),
    "too_short": ("min_length", "至少{}项"),
    "less_than_equal": ("le", "不能大于{}"),
    "less_than": ("lt", "应小于{}"),
    "greater_than_equal": ("ge", "不能小于{}"),
    "greater_than": ("gt", "应大于{}"),
}


def validation_message(error: Any) -> str:
    """A pydantic error (one item of ``ValidationError.errors()``) in Chinese, naming its limit."""
    kind = error.get("type", "")
    limit = LIMIT_MESSAGES.get(kind)
    ctx = error.get("ctx") or {}
    if limit and limit[0] in ctx:
        return limit[1].format(ctx[limit[0]])
    return VALIDATION_MESSAGES.get(kind, "格式不正确")


def _refuse(name: str, message: str) -> ValidationFailed:
    field = name or "body"
    return ValidationFailed(
        gettext("请求参数有误：%(field)s %(message)s") % {"field": field, "message": message},
        fields={field: message},
    )


def _is_year(name: str) -> bool:
    last = name.rsplit(".", 1)[-1]
    return last == "year" or last.endswith("_year")


def held(value: Any, name: str = "") -> Any:
    """``value`` held to the bounds: text cleaned, anything out of range refused (``ValidationFailed``
    naming ``name``, a dotted path). Values of other types (files, requests) pass untouched."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str):
        cleaned = clean_text(value)
        return value if cleaned is value else cleaned
    if isinstance(value, int):
        if not int_in_range(value):
            raise _refuse(name, INT_MESSAGE)
        if _is_year(name) and not year_in_range(value):
            raise _refuse(name, YEAR_MESSAGE)
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _refuse(name, FLOAT_MESSAGE)
        return value
    if isinstance(value, dt.date):
        if not date_in_range(value):
            raise _refuse(name, DATE_MESSAGE)
        return value
    if isinstance(value, BaseModel):
        changed = {}
        for field in type(value).model_fields:
            before = getattr(value, field, None)
            after = held(before, _join(name, field))
            if after is not before:
                changed[field] = after
        return value.model_copy(update=changed) if changed else value
    if isinstance(value, list | tuple | set | frozenset):
        if len(value) > MAX_LIST_ITEMS:
            raise _refuse(name, LIST_MESSAGE)
        items = [held(item, name) for item in value]
        if all(a is b for a, b in zip(items, value, strict=True)):
            return value
        return type(value)(items)
    if isinstance(value, dict):
        if len(value) > MAX_LIST_ITEMS:
            raise _refuse(name, LIST_MESSAGE)
        out = {}
        dirty = False
        for key, item in value.items():
            new_key = held(key, name) if isinstance(key, str) else key
            new_item = held(item, _join(name, str(key)))
            dirty = dirty or new_key is not key or new_item is not item
            out[new_key] = new_item
        return out if dirty else value
    return value


def _join(name: str, part: str) -> str:
    return f"{name}.{part}" if name else part
