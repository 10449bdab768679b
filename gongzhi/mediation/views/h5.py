"""Resident page of people's mediation (open to anyone): the public mediator pool and the mediation rooms
(name, place, hours), from the same allow-listed fields as ``GET /api/v1/mediation/public/mediators``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gongzhi.mediation import selectors


@require_GET
def public_pool(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "mediation/h5/pool.html",
        {"mediators": selectors.mediator_pool_public(), "rooms": selectors.room_list_public()},
    )
