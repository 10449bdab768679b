"""What the assessment's console pages share: the 404 of a missing or forbidden object, the places the
actor may write sets for, and the place label of a run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import Http404
from django.utils import dateformat
from django.utils.translation import gettext as _

from gongzhi.core.errors import NotFound
from gongzhi.core.permissions import allowed

T = TypeVar("T")


def or_404(read: Callable[[], T]) -> T:
    try:
        return read()
    except NotFound as exc:
        raise Http404(exc.message) from exc


def writable_places(actor: Any) -> list[tuple[str, str]]:
    """(code, name) of the district and subdistricts the actor writes sets for."""
    from gongzhi.places.models import District, Subdistrict

    out = [
        (d.code, d.name)
        for d in District.objects.order_by("code")
        if allowed(actor, "assessment.manage_set", d)
    ]
    out += [
        (s.code, s.name)
        for s in Subdistrict.objects.select_related("district").order_by("code")
        if allowed(actor, "assessment.manage_set", s)
    ]
    return out


def place_label(obj: Any) -> str:
    """The name of a set's (or run's) place: the subdistrict's, or the district's."""
    from gongzhi.places.models import District, Subdistrict

    if obj.subdistrict_code:
        s = Subdistrict.objects.filter(code=obj.subdistrict_code).values_list("name", flat=True).first()
        return s or obj.subdistrict_code
    return (
        District.objects.filter(code=obj.district_code).values_list("name", flat=True).first()
        or obj.district_code
    )


def shown_lines(run: Any) -> list[dict[str, Any]]:
    """The run's lines with the catalogue's texts in the page's language: a run keeps them in Chinese
    (``services.runs.source_text``); a text changed in the catalogue since then stays as it was kept."""
    from gongzhi.assessment import indicators
    from gongzhi.assessment.services.runs import source_text

    out = []
    for x in run.lines:
        ind = indicators.CATALOGUE.get(x["indicator"])
        line = dict(x)
        if ind is not None:
            for name in ("label", "unit", "how"):
                text = getattr(ind, name)
                if x.get(name) == source_text(text):
                    line[name] = str(text)
        out.append(line)
    return out


def page_period(run: Any) -> str:
    """The run's period on a page: “2026年01月01日至2026年12月31日”, in English “1 Jan 2026 – 31 Dec 2026”."""
    fmt = _("Y年m月d日")
    return _("%(start)s至%(end)s") % {
        "start": dateformat.format(run.period_start, fmt),
        "end": dateformat.format(run.period_end, fmt),
    }


def page_title(run: Any) -> str:
    s = run.indicator_set
    return _("%(year)s年%(name)s考核结果（第%(version)s版·%(status)s）") % {
        "year": s.year,
        "name": s.name,
        "version": run.version,
        "status": run.get_status_display(),
    }
