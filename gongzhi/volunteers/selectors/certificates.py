"""Reads of the certificate register, scope applied."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from gongzhi.core.errors import NotFound
from gongzhi.volunteers.models import (
    Certificate,
)
from gongzhi.volunteers.selectors.scope import (
    own_volunteer_q,
    volunteer_place_q,
)

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def certificate_list_for_actor(*, actor: Actor, q: str = "", limit: int = 200) -> QuerySet[Certificate]:
    qs = Certificate.objects.filter(volunteer_place_q(actor) | own_volunteer_q(actor))
    if q:
        q = q.strip()[:50]
        qs = qs.filter(Q(number__contains=q) | Q(volunteer__name__contains=q))
    return qs.select_related("volunteer").order_by("-issued_at", "-id")[:limit]


def certificate_get_for_actor(*, actor: Actor, certificate_id: int) -> Certificate:
    found = (
        Certificate.objects.filter(volunteer_place_q(actor) | own_volunteer_q(actor), pk=certificate_id)
        .select_related("volunteer")
        .first()
    )
    if found is None:
        raise NotFound()
    return found
