"""Small pieces every app's console and H5 views share: numbers from a query string, a refusal shown as a
message (or a 404), and file responses (PDF shown inline, xlsx downloaded), never cached."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header

from gongzhi.core.errors import ApplicationError, NotFound

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def int_or_none(value: str | None) -> int | None:
    """A non-negative integer from a query or form value; anything else is None."""
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


def date_or_none(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
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
