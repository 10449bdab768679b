"""Patrols (巡查): a grid worker starts a patrol of their grid, checks in with the phone's location on
the way, reports the tickets found (``ticket_report(channel="patrol", patrol_id=…)``) and ends it.
One active patrol per worker (a database constraint backs the check)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.core.coords import clean_point
from gongzhi.core.errors import Conflict, Forbidden, NotFound, field_error
from gongzhi.core.permissions import require
from gongzhi.core.roles import GRID_STAFF
from gongzhi.core.scope import scope_of
from gongzhi.places import geo
from gongzhi.places.models import Grid
from gongzhi.tickets.enums import PatrolStatus
from gongzhi.tickets.models import Patrol, PatrolCheckIn
from gongzhi.tickets.services.common import text

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

NOTE_MAX = 500
CHECKIN_NOTE_MAX = 200


def patrols_grid_codes(actor: Actor) -> set[str]:
    """The grids the actor patrols: those of their grid worker / grid head assignments."""
    return {code for role, level, code in scope_of(actor).places if role in GRID_STAFF and level == "grid"}


def _locked(actor: Actor, patrol_id: int) -> Patrol:
    patrol = Patrol.objects.select_for_update(of=("self",)).filter(pk=patrol_id, worker_id=actor.pk).first()
    if patrol is None:
        raise NotFound(gettext("巡查记录不存在"))
    if patrol.status != PatrolStatus.ACTIVE:
        raise Conflict(gettext("这次巡查已经结束"), code="patrol_ended")
    return patrol


@transaction.atomic
def patrol_start(*, actor: Actor, grid_code: str, now: datetime | None = None) -> Patrol:
    at = now or timezone.now()
    grid_code = (grid_code or "").strip()
    require(actor, "tickets.patrol", error=Forbidden(gettext("只有网格员和网格长可以开始巡查")))
    scope = scope_of(actor)
    if not scope.superuser and grid_code not in patrols_grid_codes(actor):
        raise NotFound(gettext("网格不存在或不是您负责的网格"))
    grid = Grid.objects.filter(code=grid_code).first()
    if grid is None:
        raise NotFound(gettext("网格不存在或不是您负责的网格"))
    active = Patrol.objects.filter(worker_id=actor.pk, status=PatrolStatus.ACTIVE).first()
    if active is not None:
        raise Conflict(
            f"您在{active.grid.name}的巡查（{timezone.localtime(active.started_at):%H:%M}开始）尚未结束，请先结束",
            code="patrol_active",
            extra={"patrol_id": active.pk},
        )
    patrol = Patrol(
        worker_id=actor.pk,
        grid=grid,
        status=PatrolStatus.ACTIVE,
        started_at=at,
        day=timezone.localtime(at).date(),
        district_code=grid.district_code,
        subdistrict_code=grid.subdistrict_code,
        community_code=grid.community_code,
        grid_code=grid.code,
    )
    try:
        with transaction.atomic():
            patrol.save(force_insert=True)
    except IntegrityError as exc:  # another start of the same worker committed first
        raise Conflict(gettext("您有一次巡查尚未结束，请先结束"), code="patrol_active") from exc
    audit_record(actor=actor, target=patrol, event="tickets.patrol_started", data={"grid_code": grid.code})
    return patrol


@transaction.atomic
def patrol_check_in(
    *,
    actor: Actor,
    patrol_id: int,
    lng: Any,
    lat: Any,
    coord_system: str = "wgs84",
    note: str = "",
    now: datetime | None = None,
) -> PatrolCheckIn:
    at = now or timezone.now()
    patrol = _locked(actor, patrol_id)
    if lng in (None, "") or lat in (None, ""):
        raise field_error("location", gettext("未获取到位置，请允许定位后重试"), code="required")
    point = clean_point(lng, lat, coord_system or "wgs84", field="location")
    note = text(note, "note", "打卡说明", max_length=CHECKIN_NOTE_MAX)
    grid_code = geo.grid_locator().locate(point[0], point[1]) or ""
    checkin = PatrolCheckIn.objects.create(
        patrol=patrol, at=at, lng=point[0], lat=point[1], grid_code=grid_code, note=note
    )
    audit_record(
        actor=actor,
        target=patrol,
        event="tickets.patrol_checked_in",
        data={
            "checkin_id": checkin.pk,
            "lng": point[0],
            "lat": point[1],
            "coord_system": coord_system or "wgs84",
            "grid_code": grid_code,
            "outside": grid_code != patrol.grid_code,
        },
    )
    return checkin


@transaction.atomic
def patrol_end(*, actor: Actor, patrol_id: int, note: str = "", now: datetime | None = None) -> Patrol:
    at = now or timezone.now()
    patrol = _locked(actor, patrol_id)
    patrol.note = text(note, "note", "巡查小结", max_length=NOTE_MAX)
    patrol.status = PatrolStatus.ENDED
    patrol.ended_at = max(at, patrol.started_at)
    patrol.save(update_fields=["note", "status", "ended_at", "updated_at"])
    audit_record(
        actor=actor,
        target=patrol,
        event="tickets.patrol_ended",
        data={"checkins": patrol.checkins.count(), "tickets": patrol.tickets.count()},
    )
    return patrol
