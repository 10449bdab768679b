"""What the assessment's console pages share: the 404 of a missing or forbidden object, the places the
actor may write sets for, and the place label of a run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import Http404

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
