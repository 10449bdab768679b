"""The console's work views: the inbox tabs per role with their counts, the filters, keyset paging
("下一页" with ``after=``), the htmx list refresh, and the Excel export of the same filtered list.

Every read goes through ``selectors.clean_filters`` / ``ticket_list_for_actor`` / ``inbox_counts``.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from gongzhi.core import bounds
from gongzhi.core.access import actor_of, console_login_required
from gongzhi.core.errors import ApplicationError, ValidationFailed
from gongzhi.core.http import int_or_none
from gongzhi.core.permissions import allowed
from gongzhi.tickets import exports
from gongzhi.tickets.enums import Channel, TicketStatus
from gongzhi.tickets.selectors import tickets as selectors

PAGE_SIZE = 50
# The tabs in the order a day's work goes; "" is everything in scope.
TABS = ["accept", "dispatch", "handle", "verify", "callback", "overdue", "supervised", "", "mine"]
FILTER_KEYS = ("inbox", "status", "category", "channel", "place", "since", "until", "q", "number")


def _day(value: str, field: str, label: str) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed(
            gettext("%(label)s格式应为 年-月-日") % {"label": label},
            fields={field: gettext("格式应为 年-月-日")},
        ) from None
    if not bounds.date_in_range(day):
        raise ValidationFailed(f"{label}{bounds.DATE_MESSAGE}", fields={field: bounds.DATE_MESSAGE})
    return day


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def form_of(query: QueryDict) -> dict[str, Any]:
    """The filter form as typed (shown back in the inputs)."""
    form: dict[str, Any] = {key: (query.get(key) or "").strip() for key in FILTER_KEYS}
    form["status"] = [s for v in query.getlist("status") for s in v.split(",") if s]
    return form


def filters_of(form: dict[str, Any]) -> selectors.TicketFilters:
    """The form's values as the selector's filters; dates are local days, ``until`` inclusive.
    A ticket number searches by number (the selector reads "20261201-0000123" in ``q``)."""
    since = _day(form["since"], "since", gettext("开始日期"))
    until = _day(form["until"], "until", gettext("结束日期"))
    number = form["number"]
    if number and not (number.replace("-", "").isdigit() and len(number) >= 8):
        raise ValidationFailed(
            gettext("工单编号格式应为 20261201-0000123"), fields={"number": gettext("格式不正确")}
        )
    return selectors.clean_filters(
        inbox=form["inbox"],
        status=form["status"],
        category=form["category"],
        channel=form["channel"],
        place=form["place"],
        since=_local_midnight(since) if since else None,
        until=_local_midnight(until + timedelta(days=1)) if until else None,
        q=number or form["q"],
    )


def _query(form: dict[str, Any], **extra: Any) -> str:
    pairs: list[tuple[str, Any]] = []
    for key in FILTER_KEYS:
        if key == "status":
            pairs.extend(("status", s) for s in form["status"])
        elif form.get(key):
            pairs.append((key, form[key]))
    pairs.extend((k, v) for k, v in extra.items() if v not in (None, ""))
    return urlencode(pairs)


def _after(value: str | None) -> int | None:
    return int_or_none(value)


@console_login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = form_of(request.GET)
    after = _after(request.GET.get("after"))
    error: ApplicationError | None = None
    rows: list[Any] = []
    try:
        filters = filters_of(form)
        rows = selectors.ticket_list_for_actor(actor=actor, filters=filters, after_id=after, limit=PAGE_SIZE)
    except ApplicationError as exc:
        error = exc
    items = rows[:PAGE_SIZE]
    next_after = items[-1].pk if len(rows) > PAGE_SIZE else None
    ctx: dict[str, Any] = {
        "tickets": items,
        "form": form,
        "error": error,
        "errors": error.fields if error else {},
        "paged": bool(after),
        "next_after": next_after,
        "query": _query(form),
        "next_query": _query(form, after=next_after) if next_after else "",
        "export_url": reverse("tickets:export") + (f"?{_query(form)}" if _query(form) else ""),
        "export_cap": exports.EXPORT_MAX_ROWS,
        # the deadline's calendar warning only to whom can enter the calendar (the district admin)
        "calendar_fixer": allowed(actor, "workdays.change_holidayyear"),
        "filtered": any(form[k] for k in FILTER_KEYS if k != "inbox"),
    }
    status = error.status if error else 200
    if request.htmx:  # type: ignore[attr-defined]
        # htmx swaps only 2xx answers: the refusal is in the fragment.
        return render(request, "tickets/console/_results.html", ctx)
    counts = selectors.inbox_counts(actor=actor)
    tab_query = _query({**form, "inbox": ""})
    ctx.update(
        tabs=[
            {
                "key": key,
                "label": selectors.INBOXES[key],
                "count": counts.get(key),
                "url": "?" + "&".join(p for p in (f"inbox={key}" if key else "", tab_query) if p),
            }
            for key in TABS
        ],
        statuses=TicketStatus.choices,
        channels=Channel.choices,
        categories=selectors.category_tree(),
    )
    return render(request, "tickets/console/inbox.html", ctx, status=status)


@console_login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = form_of(request.GET)
    try:
        content, _count = exports.tickets_export(actor=actor, filters=filters_of(form))
    except ApplicationError as exc:
        return HttpResponse(exc.message, status=exc.status, content_type="text/plain; charset=utf-8")
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"工单列表-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    response["Cache-Control"] = "no-store"
    return response
