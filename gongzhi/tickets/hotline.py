"""12345 hotline batch import: each row of the hotline's export becomes a ticket through ``ticket_report``.

Unlike the population import (all-or-nothing), the hotline practice is that good rows go in at once and
bad rows come back in an error report that the operator fixes and uploads again. That is safe because the
import is idempotent on 工单编号: a number already imported (channel hotline, source 12345) is skipped and
reported as 已存在, never as an error. Each row is its own transaction, so a row is written whole or not
at all; the ``HotlineImport`` record keeps the counts, the errors and the skipped rows.

Where a ticket lands: the 诉求地址 is matched against the registered household addresses (the address as
given, or its tail after a province/city/district prefix); a match gives the grid, which must lie in the
importer's scope (else the row is an error: "不在您的管辖范围内"); no match sends the ticket to the district
intake desk (ticket_report's own rule), counted as "未匹配网格".

办理时限 is parsed to (limit_amount, limit_unit) and kept in the report event's data under "hotline";
``hotline_limit(ticket)`` gives it back so the dispatch form can pass it to ``ticket_dispatch``.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.core import codes, ids
from gongzhi.core.errors import ApplicationError, Conflict, Forbidden, NotFound, ValidationFailed
from gongzhi.core.roles import PLACE_MANAGERS
from gongzhi.core.scope import scope_of
from gongzhi.places.models import Household
from gongzhi.tickets import hotline_sheets as hs
from gongzhi.tickets.enums import Channel
from gongzhi.tickets.models import Category, HotlineImport, Ticket, TicketEvent
from gongzhi.tickets.services import TicketInput, ticket_report

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

SHANGHAI = ZoneInfo("Asia/Shanghai")
SOURCE = "12345"
MAX_REPORTED_ERRORS = 10_000
MAX_REPORTED_SKIPS = 2_000
# A call logged a little ahead of the server clock is not an error; a call next week is.
_CLOCK_SKEW = timedelta(minutes=10)
# The shortest registered address tail worth matching (shorter tails match too much).
_MIN_ADDRESS_TAIL = 6
_QUOTED = re.compile(r"“[^”]*”")
_FIELD_COLUMN = {
    "description": hs.CONTENT,
    "reporter_phone": hs.PHONE,
    "reporter_name": hs.CALLER,
    "address": hs.ADDRESS,
    "location": hs.ADDRESS,
    "grid_code": hs.ADDRESS,
    "external_id": hs.NUMBER,
    "category": hs.KIND,
    "title": hs.CONTENT,
}


# --- parsing cells -------------------------------------------------------------------------------

_DATE_TIME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:\s+(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?$")


def parse_local_time(text: str) -> datetime | None:
    """'2026-11-20 09:30', '2026/11/20 9:30:00', '2026年11月20日 9时30分', '20261120093000' → aware
    Asia/Shanghai datetime; None when it is not a date-time."""
    t = (text or "").strip()
    if re.fullmatch(r"\d{14}", t):
        t = f"{t[:4]}-{t[4:6]}-{t[6:8]} {t[8:10]}:{t[10:12]}:{t[12:14]}"
    for a, b in (("年", "-"), ("月", "-"), ("日", " "), ("/", "-"), ("T", " "), ("时", ":"), ("点", ":")):
        t = t.replace(a, b)
    t = re.sub(r"分$|秒$", "", t)
    t = t.replace("分", ":")
    t = re.sub(r"\s+", " ", t).strip().rstrip(":")
    m = _DATE_TIME.match(t)
    if not m:
        return None
    y, mo, d, h, mi, s = (int(x) if x else 0 for x in m.groups())
    try:
        return datetime(y, mo, d, h, mi, s, tzinfo=SHANGHAI)
    except ValueError:
        return None


_RELATIVE_LIMITS = (
    (re.compile(r"^(\d+)\s*个?\s*工作日$"), "working_days"),
    (re.compile(r"^(\d+)\s*个?\s*工作(?:小)?时$"), "working_hours"),
    (re.compile(r"^(\d+)\s*个?\s*(?:小时|h|H)$"), "hours"),
    (re.compile(r"^(\d+)\s*个?\s*(?:自然日|天|日)$"), "natural_days"),
)


@dataclass
class Limit:
    text: str
    amount: int
    unit: str
    due: datetime | None = None


def parse_limit(text: str, called_at: datetime) -> Limit | str:
    """办理时限 → Limit, or the Chinese reason it cannot be read."""
    t = re.sub(r"\s+", "", text or "").replace("内", "")
    for pattern, unit in _RELATIVE_LIMITS:
        m = pattern.match(t)
        if m:
            amount = int(m.group(1))
            if not 1 <= amount <= 365:
                return f"办理时限“{text[:20]}”超出范围（1到365）"
            return Limit(text=text, amount=amount, unit=unit)
    due = parse_local_time(text)
    if due is None:
        return f"办理时限“{text[:20]}”无法识别，可填写如 3个工作日、24小时、2个工作时、5天或 2026-11-25 17:00"
    if due <= called_at:
        return "办理时限早于来电时间"
    hours = math.ceil((due - called_at).total_seconds() / 3600)
    if hours <= 72:
        return Limit(text=text, amount=hours, unit="hours", due=due)
    return Limit(text=text, amount=min(math.ceil(hours / 24), 365), unit="natural_days", due=due)


class CategoryMatcher:
    """诉求类型 → a small class's code: by name (the whole text or any of its '/'-separated parts, the last
    part first), then a name inside the text, then a keyword inside the text; else ''."""

    def __init__(self) -> None:
        rows = list(
            Category.objects.filter(active=True, parent__isnull=False).values_list("code", "name", "keywords")
        )
        self.by_name = {name: code for code, name, _kw in reversed(rows)}
        self.names = sorted(self.by_name, key=len, reverse=True)
        self.keywords = sorted(
            ((kw, code) for code, _name, kws in rows for kw in kws.split() if len(kw) >= 2),
            key=lambda pair: len(pair[0]),
            reverse=True,
        )
        self._cache: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        text = (text or "").strip()
        if not text:
            return ""
        if text not in self._cache:
            self._cache[text] = self._match(text)
        return self._cache[text]

    def _match(self, text: str) -> str:
        for part in reversed([p.strip() for p in re.split(r"[/／\\>＞|｜\-—,，、;；]+", text) if p.strip()]):
            if part in self.by_name:
                return self.by_name[part]
        for name in self.names:
            if name in text:
                return self.by_name[name]
        for kw, code in self.keywords:
            if kw in text:
                return code
        return ""


def grid_for_address(address: str) -> str:
    """The grid of the registered household whose address is the given one or its tail."""
    address = re.sub(r"\s+", "", address or "")
    if len(address) < _MIN_ADDRESS_TAIL:
        return ""
    tails = [address[i:] for i in range(len(address) - _MIN_ADDRESS_TAIL + 1)]
    return (
        Household.objects.filter(address__in=tails)
        .order_by(Length("address").desc(), "id")
        .values_list("grid__code", flat=True)
        .first()
        or ""
    )


def hotline_limit(ticket: Ticket) -> tuple[int, str] | None:
    """The hotline's 办理时限 of an imported ticket as (limit_amount, limit_unit), for its dispatch."""
    event = TicketEvent.objects.filter(ticket=ticket, move="report").only("data").first()
    info = (event.data or {}).get("hotline", {}) if event else {}
    if info.get("limit_amount") and info.get("limit_unit"):
        return int(info["limit_amount"]), str(info["limit_unit"])
    return None


# --- the import ----------------------------------------------------------------------------------


def _require_importer(actor: Actor) -> list[str]:
    scope = scope_of(actor)
    if scope.superuser:
        return []
    codes_by_level = scope.codes(PLACE_MANAGERS)
    flat = sorted(c for level in codes_by_level.values() for c in level)
    if not flat:
        raise Forbidden(gettext("只有区级管理员、街道和社区工作人员可以导入12345热线工单"))
    return flat


@dataclass
class _Row:
    sheet: hs.HotlineRow
    errors: list[tuple[str, str]]


def _clean_row(row: hs.HotlineRow, now: datetime) -> tuple[list[tuple[str, str]], dict[str, Any]]:
    """What can be checked from the row alone: (errors, cleaned values)."""
    errors: list[tuple[str, str]] = []
    out: dict[str, Any] = {}
    number = row.get(hs.NUMBER)
    if not number:
        errors.append((hs.NUMBER, "请填写工单编号"))
    elif len(number) > 64:
        errors.append((hs.NUMBER, "工单编号不能超过64个字符"))
    elif number == hs.EXAMPLE_NUMBER:
        errors.append((hs.NUMBER, "这是导入模板中的示例行，请删除后再导入"))
    out["number"] = number
    called_text = row.get(hs.CALLED_AT)
    called = (
        row.called_at.replace(tzinfo=SHANGHAI)
        if row.called_at is not None and row.called_at.tzinfo is None
        else row.called_at or parse_local_time(called_text)
    )
    if not called_text:
        errors.append((hs.CALLED_AT, "请填写来电时间"))
    elif called is None:
        errors.append((hs.CALLED_AT, f"来电时间“{called_text[:30]}”格式不正确，应如 2026-11-20 09:30"))
    elif called > now + _CLOCK_SKEW:
        errors.append((hs.CALLED_AT, "来电时间晚于当前时间"))
    elif called.year < 2000:
        errors.append((hs.CALLED_AT, "来电时间不正确"))
    out["called_at"] = called
    if not row.get(hs.CONTENT):
        errors.append((hs.CONTENT, "请填写诉求内容"))
    phone = row.get(hs.PHONE)
    if not phone:
        # Without it the callback cannot happen (and the ticket would take the importer's own phone).
        errors.append((hs.PHONE, "请填写联系电话（回访需要）"))
    else:
        try:
            ids.normalise_phone(phone, field="reporter_phone")
        except ValidationFailed as exc:
            errors.append((hs.PHONE, _QUOTED.sub("", exc.message)))
    limit_text = row.get(hs.LIMIT)
    out["limit"] = None
    if limit_text and called is not None:
        limit = parse_limit(limit_text, called)
        if isinstance(limit, str):
            errors.append((hs.LIMIT, limit))
        else:
            out["limit"] = limit
    return errors, out


def _in_scope(actor: Actor, grid_code: str) -> bool:
    scope = scope_of(actor)
    if scope.superuser:
        return True
    community = codes.community_of_grid(grid_code)
    place = SimpleNamespace(
        grid_code=grid_code,
        community_code=community,
        subdistrict_code=codes.subdistrict_of(community),
        district_code=community[:6],
    )
    return scope.covers(place, PLACE_MANAGERS)


def hotline_import(
    *,
    actor: Actor,
    file_name: str,
    content: bytes,
    now: datetime | None = None,
    progress: Progress | None = None,
    job_id: int | None = None,
) -> HotlineImport:
    """Imports a hotline export; returns the kept ``HotlineImport`` (counts, errors, skipped rows).

    A file that cannot be read at all raises ``ValidationFailed`` and records nothing.

    In a background job (``hotline_import_job``) ``progress(done, total, …)`` is called between rows (it
    raises ``JobCancelled`` to stop: the rows made so far stay, each a whole ticket) and the record carries
    ``job_id``: the job run again after its worker died resumes the same record, and the rows it already
    made into tickets count as made, not as skipped — the same result as one uninterrupted run."""
    from gongzhi.jobs.tasks import JobCancelled

    scope_codes = _require_importer(actor)
    record = HotlineImport.objects.filter(job_id=job_id).first() if job_id is not None else None
    if record is not None and record.finished:
        return record
    at = record.created_at if record is not None else now or timezone.now()
    kind = hs.check_upload(file_name, len(content))
    if progress is not None:
        progress(0, None, phase="reading", force=True)
    rows = hs.read_hotline_file(content, kind)
    if not rows:
        raise ValidationFailed(
            gettext("文件中没有数据行（第1行是列名，数据从第2行开始）"), fields={"file": gettext("没有数据")}
        )
    if record is None:
        record = HotlineImport.objects.create(
            actor_id=actor.pk,
            created_at=at,
            file_name=(file_name or "")[-255:],
            sha256=hashlib.sha256(content).hexdigest(),
            rows=len(rows),
            scope_codes=scope_codes,
            job_id=job_id,
            **codes.common_place(scope_codes),
        )
    existing, mine = _already_imported([r.get(hs.NUMBER) for r in rows if r.get(hs.NUMBER)], record)
    state = _State()
    try:
        _import_rows(actor, record, rows, at, existing, mine, state, progress)
    except JobCancelled:
        _finish(actor, record, state, cancelled=True)
        raise JobCancelled(
            f"已按发起人要求取消：取消前已建单 {state.created} 条（每条完整写入），其余行未导入；"
            "重新上传同一文件时已建的工单会自动跳过"
        ) from None
    _finish(actor, record, state)
    return record


class Progress(Protocol):
    def __call__(
        self,
        done: int,
        total: int | None = None,
        *,
        phase: str = ...,
        errors: list[dict[str, Any]] | None = None,
        error_count: int | None = None,
        force: bool = False,
    ) -> None: ...


@dataclass
class _State:
    created: int = 0
    unplaced: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    bad_rows: dict[str, list[str]] = field(default_factory=dict)
    skipped: list[dict[str, Any]] = field(default_factory=list)


def _already_imported(numbers: list[str], record: HotlineImport) -> tuple[dict[str, int], dict[str, str]]:
    """工单编号 already imported → ticket id; and of those, the ones this record made in an earlier run of
    its job (→ the ticket's grid code), which count as made by this import."""
    existing: dict[str, int] = {}
    for start in range(0, len(numbers), 2000):
        existing.update(
            Ticket.objects.filter(
                channel=Channel.HOTLINE, channel_source=SOURCE, external_id__in=numbers[start : start + 2000]
            ).values_list("external_id", "id")
        )
    mine: dict[str, str] = {}
    if record.job_id is not None and existing:
        by_id = {v: k for k, v in existing.items()}
        ids_ = sorted(by_id)
        for start in range(0, len(ids_), 2000):
            for ticket_id, data, grid_code in TicketEvent.objects.filter(
                ticket_id__in=ids_[start : start + 2000], move="report"
            ).values_list("ticket_id", "data", "ticket__grid_code"):
                if ((data or {}).get("hotline") or {}).get("import_id") == record.pk:
                    mine[by_id[ticket_id]] = grid_code or ""
    return existing, mine


def _import_rows(
    actor: Actor,
    record: HotlineImport,
    rows: list[hs.HotlineRow],
    at: datetime,
    existing: dict[str, int],
    mine: dict[str, str],
    state: _State,
    progress: Progress | None,
) -> None:
    matcher = CategoryMatcher()
    seen: dict[str, int] = {}
    total = len(rows)
    for i, row in enumerate(rows):
        if progress is not None:
            progress(
                i,
                total,
                phase="writing",
                error_count=len(state.bad_rows),
                errors=[{"row": n, "column": c, "message": m} for n, c, m in state.errors[:50]],
                force=i == 0,
            )
        row_errors, clean = _clean_row(row, at)
        number = clean["number"]
        if not row_errors and number in mine and number not in seen:
            seen[number] = row.number  # made by this import's earlier run: counted, not made again
            state.created += 1
            state.unplaced += 0 if mine[number] else 1
            continue
        if not row_errors and (number in existing or number in seen):
            state.skipped.append(
                {
                    "row": row.number,
                    "external_id": number,
                    "ticket_id": existing.get(number),
                    "reason": "已存在" if number in existing else f"与第{seen[number]}行工单编号重复",
                }
            )
            continue
        grid_code = ""
        if not row_errors:
            grid_code = grid_for_address(row.get(hs.ADDRESS))
            if grid_code and not _in_scope(actor, grid_code):
                row_errors.append((hs.ADDRESS, f"诉求地址所在网格（{grid_code}）不在您的管辖范围内"))
        if not row_errors:
            try:
                ticket = _import_row(actor, record, row, clean, grid_code, matcher(row.get(hs.KIND)))
            except Conflict:
                # Imported between our look-up and this row (another upload of the same file).
                state.skipped.append(
                    {"row": row.number, "external_id": number, "ticket_id": None, "reason": "已存在"}
                )
                continue
            except ApplicationError as exc:
                for field_name, message in (exc.fields or {"": exc.message}).items():
                    column = _FIELD_COLUMN.get(field_name, hs.NUMBER)
                    row_errors.append((column, _QUOTED.sub("", message) if column == hs.PHONE else message))
            else:
                seen[number] = row.number
                state.created += 1
                state.unplaced += 0 if ticket.grid_code else 1
                continue
        for column, message in row_errors:
            state.errors.append((row.number, column, message))
        state.bad_rows[str(row.number)] = [
            hs.mask_raw(h, v) for h, v in zip(hs.HEADERS, row.raw(), strict=True)
        ]
    if progress is not None:
        progress(total, total, phase="writing", error_count=len(state.bad_rows), force=True)


@transaction.atomic
def _finish(actor: Actor, record: HotlineImport, state: _State, *, cancelled: bool = False) -> None:
    order = {h: i for i, h in enumerate(hs.HEADERS)}
    errors = sorted(state.errors, key=lambda e: (e[0], order.get(e[1], 99)))
    record.created, record.skipped, record.unplaced = state.created, len(state.skipped), state.unplaced
    record.error_count = len(state.bad_rows)
    record.errors = [{"row": n, "column": c, "message": m} for n, c, m in errors[:MAX_REPORTED_ERRORS]]
    record.error_rows = dict(list(state.bad_rows.items())[:MAX_REPORTED_ERRORS])
    record.skipped_rows = state.skipped[:MAX_REPORTED_SKIPS]
    record.finished = True
    record.save()
    audit_record(
        actor=actor,
        target=record,
        event="tickets.hotline_imported",
        data={
            "file_name": record.file_name,
            "sha256": record.sha256,
            "rows": record.rows,
            "created": state.created,
            "skipped": record.skipped,
            "errors": record.error_count,
            **({"cancelled": True} if cancelled else {}),
        },
    )


@transaction.atomic
def _import_row(
    actor: Actor,
    record: HotlineImport,
    row: hs.HotlineRow,
    clean: dict[str, Any],
    grid_code: str,
    category_code: str,
) -> Ticket:
    """One row, one transaction: the ticket and its hotline data, or nothing."""
    ticket = ticket_report(
        actor=actor,
        data=TicketInput(
            description=row.get(hs.CONTENT),
            channel=Channel.HOTLINE,
            channel_source=SOURCE,
            external_id=clean["number"],
            address=row.get(hs.ADDRESS),
            grid_code=grid_code,
            reporter_phone=row.get(hs.PHONE),
            reporter_name=row.get(hs.CALLER) or "12345来电人",
            category_code=category_code,
        ),
        now=clean["called_at"],
    )
    limit: Limit | None = clean["limit"]
    event = TicketEvent.objects.filter(ticket=ticket, move="report").first()
    if event is not None:
        event.data = {
            **event.data,
            "hotline": {
                "import_id": record.pk,
                "row": row.number,
                "kind": row.get(hs.KIND)[:50],
                "limit_text": row.get(hs.LIMIT)[:50],
                **(
                    {
                        "limit_amount": limit.amount,
                        "limit_unit": limit.unit,
                        **({"limit_due": limit.due.isoformat()} if limit.due else {}),
                    }
                    if limit
                    else {}
                ),
            },
        }
        event.save(update_fields=["data"])
    return ticket


# --- reads ---------------------------------------------------------------------------------------


def _import_q(actor: Actor) -> Q:
    scope = scope_of(actor)
    if scope.superuser:
        return Q()
    return Q(actor_id=actor.pk) | scope.place_q(PLACE_MANAGERS)


def hotline_import_list_for_actor(*, actor: Actor, limit: int = 20) -> QuerySet[HotlineImport]:
    """The importer's own uploads and those whose place lies in the actor's importing scope."""
    return (
        HotlineImport.objects.filter(_import_q(actor))
        .select_related("actor")
        .defer("errors", "error_rows", "skipped_rows")
        .order_by("-id")[:limit]
    )


def hotline_import_get_for_actor(*, actor: Actor, import_id: int) -> HotlineImport:
    record = HotlineImport.objects.filter(_import_q(actor), pk=import_id).first()
    if record is None:
        raise NotFound(gettext("导入记录不存在或无权查看"))
    return record


def error_report(*, actor: Actor, record: HotlineImport) -> bytes:
    """The error report of an import the actor read through ``hotline_import_get_for_actor``; the
    download audited (``tickets.hotline_report_downloaded``)."""
    from gongzhi.tickets.services.downloads import hotline_report_downloaded

    content = hs.error_report_workbook(errors=record.errors, rows=record.error_rows)
    hotline_report_downloaded(actor=actor, record=record)
    return content
