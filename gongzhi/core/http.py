"""Small pieces every app's console and H5 views share: numbers and dates from a query string (held to the
input edges of gongzhi.core.bounds), query strings without control characters, a refusal shown as a message
(or a 404), and file responses (PDF shown inline, xlsx downloaded), never cached."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.utils.http import content_disposition_header

from gongzhi.core import bounds
from gongzhi.core.errors import ApplicationError, NotFound

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def int_or_none(value: str | None) -> int | None:
    """A non-negative integer from a query or form value that fits a 64-bit column; anything else (a
    23-digit id) is None: the filter is ignored, as for any other value that is not a number."""
    value = (value or "").strip()
    if not (value.isascii() and value.isdigit()) or len(value) > 19:
        return None
    number = int(value)
    return number if bounds.int_in_range(number) else None


def year_or_none(value: str | None) -> int | None:
    """A year in 1900–2100 from a query or form value; anything else is None."""
    year = int_or_none(value)
    return year if year is not None and bounds.year_in_range(year) else None


def date_or_none(value: str | None) -> dt.date | None:
    """A date in 1900–2100 (``bounds.DATE_MIN``..``DATE_MAX``); anything else (9999-12-31) is None."""
    try:
        day = dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None
    return day if bounds.date_in_range(day) else None


def clean_query(query: QueryDict) -> QueryDict:
    """``query`` without control characters in its names and values (bounds.clean_text); itself if clean."""
    if not any(
        bounds.CONTROL_CHARACTERS.search(name) or any(bounds.CONTROL_CHARACTERS.search(v) for v in values)
        for name, values in query.lists()
    ):
        return query
    cleaned = QueryDict(mutable=True, encoding=query.encoding)
    for name, values in query.lists():
        cleaned.setlist(bounds.clean_text(name), [bounds.clean_text(v) for v in values])
    cleaned._mutable = False
    return cleaned


class CleanInputMiddleware:
    """Every request's query string, and its form fields once Django has parsed them, without control
    characters (NUL, ``\\x0b``, ESC …; bounds.clean_text) before any view reads them: console filters, H5
    pages, every form (core.forms and the plain ones), API queries, Open311.

    The form body is cleaned in ``process_view``, after ``CsrfViewMiddleware`` has parsed it (it reads
    ``request.POST`` for its token on every POST to a view that is not exempt), and only if it has been
    parsed: this middleware never parses a body itself, so the upload handlers and size limits apply as
    before. A view exempt from CSRF parses its own body: the API holds what ninja parses to the same bounds
    (config/api.py), Open311 cleans its parameters (open311.api.params)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.GET = clean_query(request.GET)  # type: ignore[assignment]
        return self.get_response(request)

    def process_view(self, request: HttpRequest, *args: object) -> None:
        if "_post" in request.__dict__:
            request.POST = clean_query(request.POST)  # type: ignore[assignment]
        return None


def refused(request: HttpRequest, exc: ApplicationError) -> None:
    """A service's refusal on a console page: a missing (or forbidden) object is the 404 page, anything
    else a message above the form."""
    if isinstance(exc, NotFound):
        raise Http404(exc.message)
    messages.error(request, exc.message)


def pdf_response(content: bytes, filename: str, *, attachment: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(attachment, filename) or (
        "attachment" if attachment else "inline"
    )
    response["Cache-Control"] = "no-store"
    return response


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    response["Cache-Control"] = "no-store"
    return response
