"""Reading GeoReport parameters: an empty parameter is the same as a missing one (the spec's
optional-argument rule); datetimes in W3C form; comma lists; the 90-day window; paging."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.http import HttpRequest, QueryDict
from django.utils import timezone

from gongzhi.core.bounds import DATE_MESSAGE, clean_text, date_in_range

SHANGHAI = ZoneInfo("Asia/Shanghai")
MAX_SPAN = timedelta(days=90)
MAX_PAGE_SIZE = 1000
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LOST_PLUS = re.compile(r"^(.*T[\d:.]+) (\d{2}(:?\d{2})?)$")
_NUMBER = re.compile(r"^(\d{8})-(\d{1,12})$")


class Open311Error(Exception):
    """A refusal in the spec's terms: HTTP 400, 403, 404 (or 429) with a Chinese description."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def bad(description: str) -> Open311Error:
    return Open311Error(400, description)


class Params:
    """The request's parameters: the form body of a POST first, then the query string."""

    def __init__(self, request: HttpRequest) -> None:
        self._sources: list[QueryDict] = (
            [request.POST, request.GET] if request.method == "POST" else [request.GET]
        )

    def get(self, name: str) -> str:
        for source in self._sources:
            for value in source.getlist(name):
                if value.strip():
                    return clean_text(value).strip()
        return ""

    def getlist(self, name: str) -> list[str]:
        out: list[str] = []
        for source in self._sources:
            out += [clean_text(v).strip() for v in source.getlist(name) if v.strip()]
        return out

    def check(self) -> None:
        """NUL characters cannot be stored or looked up (PostgreSQL text refuses them): a 400 up front."""
        for source in self._sources:
            for name, values in source.lists():
                if "\x00" in name or any("\x00" in v for v in values):
                    raise bad("参数中不能包含空字符（\\0）")

    def names(self) -> list[str]:
        seen: dict[str, None] = {}
        for source in self._sources:
            for name in source:
                seen.setdefault(name, None)
        return list(seen)


def parse_datetime(value: str, name: str, *, end: bool = False) -> datetime:
    text = value.strip()
    # A "+" left unencoded in a query string arrives as a space: 2026-12-01T00:00:00 08:00.
    lost = _LOST_PLUS.match(text)
    if lost:
        text = f"{lost.group(1)}+{lost.group(2)}"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise bad(f"{name}格式不正确，应为W3C日期时间，如2026-12-01T00:00:00+08:00") from None
    if not date_in_range(parsed):
        raise bad(f"{name}{DATE_MESSAGE}")
    if _DATE_ONLY.match(text) and end:
        parsed += timedelta(days=1)  # a date alone as the end means the whole of that day
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=SHANGHAI)
    return parsed


def window(params: Params, *, now: datetime | None = None) -> tuple[datetime, datetime]:
    """start_date … end_date, at most 90 days apart; by default the last 90 days."""
    now = now or timezone.now()
    start_raw, end_raw = params.get("start_date"), params.get("end_date")
    start = parse_datetime(start_raw, "start_date") if start_raw else None
    end = parse_datetime(end_raw, "end_date", end=True) if end_raw else None
    if start and end:
        if end < start:
            raise bad("end_date不能早于start_date")
        if end - start > MAX_SPAN:
            raise bad("start_date与end_date相差不能超过90天")
        return start, end
    if start:
        return start, start + MAX_SPAN
    if end:
        return end - MAX_SPAN, end
    return now - MAX_SPAN, now


@dataclass(frozen=True)
class Page:
    number: int
    size: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


def page_of(params: Params) -> Page:
    def positive(name: str, default: int, top: int) -> int:
        raw = params.get(name)
        if not raw:
            return default
        if not raw.isdigit() or int(raw) < 1:
            raise bad(f"{name}应为正整数")
        if int(raw) > top:
            raise bad(f"{name}不能超过{top}")
        return int(raw)

    return Page(positive("page", 1, 1_000_000), positive("page_size", MAX_PAGE_SIZE, MAX_PAGE_SIZE))


def request_id(value: str) -> int:
    """A service_request_id: the ticket id, or its number 20261201-0000123."""
    value = value.strip()
    if value.isdigit() and len(value) <= 12:
        return int(value)
    number = _NUMBER.match(value)
    if number:
        return int(number.group(2))
    raise bad(f"service_request_id“{value[:30]}”格式不正确")


def comma_list(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def flag(value: str) -> bool:
    return value.strip().lower() in ("true", "1", "yes")


def number(value: str, name: str) -> float:
    try:
        out = float(value)
    except ValueError:
        raise bad(f"{name}必须是数字") from None
    return out
