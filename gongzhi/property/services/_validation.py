"""Input checks the red-property services share: texts, dates, the unified social credit code, phones,
quarters, an estate and a party member of a place. Each raises the field error the forms and the API
show."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext, gettext_noop
from stdnum.cn import uscc as cn_uscc
from stdnum.exceptions import InvalidChecksum, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError

from gongzhi.core import bounds, ids
from gongzhi.core.errors import ValidationFailed, field_error


def text_required(value: str | None, field: str, label: str, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise field_error(field, f"请填写{label}", code="required")
    if len(value) > max_length:
        raise field_error(field, f"{label}不能超过{max_length}个字")
    return value


def text_optional(value: str | None, field: str, label: str, max_length: int) -> str:
    value = (value or "").strip()
    if len(value) > max_length:
        raise field_error(field, f"{label}不能超过{max_length}个字")
    return value


def required_date(value: Any, field: str, label: str) -> dt.date:
    day = optional_date(value, field, label)
    if day is None:
        raise field_error(field, f"请填写{label}", code="required")
    return day


def optional_date(value: Any, field: str, label: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value).strip())
        except ValueError as exc:
            raise field_error(field, f"{label}格式应为 2026-01-31") from exc
    if not bounds.date_in_range(value):
        raise field_error(field, bounds.DATE_MESSAGE)
    return value


def not_future(day: dt.date | None, field: str, label: str, today: dt.date) -> None:
    if day is not None and day > today:
        raise field_error(field, f"{label}不能晚于今天")


def uscc_checked(value: str | None, field: str = "uscc") -> str:
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


def phone_of(value: str | None, field: str = "phone") -> ids.Protected | None:
    value = (value or "").strip()
    if not value:
        return None
    return ids.Protected.of_phone(ids.normalise_phone(value, field))


def count(value: Any, field: str, label: str, upper: int = 100_000) -> int:
    if value in (None, ""):
        return 0
    try:
        n = int(value)
    except (TypeError, ValueError) as exc:
        raise field_error(field, f"{label}应为整数") from exc
    if not 0 <= n <= upper:
        raise field_error(field, f"{label}应在0到{upper}之间")
    return n


def raise_all(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationFailed(next(iter(errors.values())), fields=errors)


# --- quarters ---------------------------------------------------------------------------------------

_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_NAMES = (
    gettext_noop("第一季度"),
    gettext_noop("第二季度"),
    gettext_noop("第三季度"),
    gettext_noop("第四季度"),
)


@dataclass(frozen=True)
class Quarter:
    key: str  # 2026-Q3
    year: int
    number: int
    start: dt.date
    end: dt.date  # inclusive

    @property
    def label(self) -> str:
        return gettext("%(year)s年%(quarter)s") % {
            "year": self.year,
            "quarter": gettext(_NAMES[self.number - 1]),
        }

    def previous(self) -> Quarter:
        y, q = (self.year, self.number - 1) if self.number > 1 else (self.year - 1, 4)
        return quarter_of(y, q)


def quarter_of(year: int, number: int) -> Quarter:
    first = 3 * (number - 1) + 1
    end = dt.date(year, first + 2, calendar.monthrange(year, first + 2)[1])
    return Quarter(f"{year}-Q{number}", year, number, dt.date(year, first, 1), end)


def quarter_containing(day: dt.date) -> Quarter:
    return quarter_of(day.year, (day.month - 1) // 3 + 1)


def parse_quarter(value: str | None, field: str = "quarter") -> Quarter:
    m = _QUARTER.match((value or "").strip())
    if not m or not 2000 <= int(m.group(1)) <= 2100:
        raise field_error(field, "季度格式应为 2026-Q3")
    return quarter_of(int(m.group(1)), int(m.group(2)))
