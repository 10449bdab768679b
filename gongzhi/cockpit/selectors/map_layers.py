"""The one-map's layers (一张图), each a GeoJSON FeatureCollection of one module's records under one place.

Every layer reads through the module's own scoped selector (or its scope rule), narrows it to the place
asked, and groups in the database: a few queries per layer whatever the number of rows, never one per row.
Rows without a point of their own (units, devices, warnings) are drawn at their grid's centre, else their
community's, on a small ring when several share it (``map_place.anchors``).

What a layer never says: the care layer is a count per grid and nothing else — no person, no point of a
person, no group of one person's record.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Avg, Count, F, Q
from django.db.models.functions import Floor
from django.urls import reverse
from django.utils import timezone

from gongzhi.cockpit.selectors.map_place import MapPlace, anchors, drill_code, ring
from gongzhi.places.models import Grid

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

MAX_POINTS = 2000  # ticket points of one answer; more and the answer says it was cut
CLUSTER_BELOW_ZOOM = 15  # tickets are clustered below this zoom, points from it on
CELL_PIXELS = 64  # a cluster cell is 64 screen pixels wide at the zoom asked


def _collection(features: list[dict[str, Any]], **meta: Any) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features, "meta": meta}


def _point(lng: float, lat: float, **properties: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(lng, 6), round(lat, 6)]},
        "properties": properties,
    }


def _grid_shapes(codes: list[str]) -> dict[str, tuple[str, dict[str, Any] | None]]:
    """(name, boundary) of the grids named, in one query."""
    rows = Grid.objects.filter(code__in=sorted(set(codes))).values_list("code", "name", "boundary")
    return {code: (name, boundary) for code, name, boundary in rows}


def _grid_counts_layer(place: MapPlace, counts: dict[str, dict[str, int]], *, key: str) -> dict[str, Any]:
    """Grid polygons carrying counts (the heat and care layers); grids with no count are left out."""
    shapes = _grid_shapes(list(counts))
    features: list[dict[str, Any]] = []
    drawn = 0
    for code in sorted(counts):
        name, boundary = shapes.get(code, (code, None))
        if boundary is None:
            continue
        drawn += counts[code][key]
        features.append(
            {
                "type": "Feature",
                "geometry": boundary,
                "properties": {"code": code, "name": name, "drill": drill_code(place, code), **counts[code]},
            }
        )
    total = sum(c[key] for c in counts.values())
    return _collection(
        features, total=total, unplaced=total - drawn, max=max((c[key] for c in counts.values()), default=0)
    )


# --- grids ------------------------------------------------------------------------------------------------


def grids_layer(*, actor: Actor, place: MapPlace, **_: Any) -> dict[str, Any]:
    """The grids under the place, with kind, name and the place a click drills down to."""
    from gongzhi.places.selectors import grid_list_for_actor

    rows = (
        grid_list_for_actor(actor=actor)
        .select_related(None)
        .filter(place.q())
        .order_by("code")
        .values_list("code", "name", "kind", "boundary")
    )
    features = []
    missing = 0
    for code, name, kind, boundary in rows:
        if boundary is None:
            missing += 1
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": boundary,
                "properties": {"code": code, "name": name, "kind": kind, "drill": drill_code(place, code)},
            }
        )
    return _collection(features, missing=missing)


# --- tickets: points or clusters, and the heat per grid ----------------------------------------------------


def _open_tickets(actor: Actor, place: MapPlace) -> Any:
    from gongzhi.tickets.enums import OPEN
    from gongzhi.tickets.models import Ticket
    from gongzhi.tickets.selectors.tickets import scope_q

    return Ticket.objects.filter(scope_q(actor), place.q(), status__in=sorted(OPEN))


def _overdue_q(now: datetime) -> Q:
    """The tickets inbox's "overdue": handling, deadline passed (tickets.selectors.inbox_q)."""
    from gongzhi.tickets.enums import HANDLING

    return Q(status__in=sorted(HANDLING), deadline__lt=now)


def _bbox(value: str) -> tuple[float, float, float, float] | None:
    try:
        west, south, east, north = (float(v) for v in value.split(","))
    except ValueError:
        return None
    if not all(-180 <= v <= 180 for v in (west, east)) or not all(-90 <= v <= 90 for v in (south, north)):
        return None
    return (west, south, east, north) if west < east and south < north else None


def tickets_layer(
    *,
    actor: Actor,
    place: MapPlace,
    zoom: int | None = None,
    bbox: str = "",
    now: datetime | None = None,
    **_: Any,
) -> dict[str, Any]:
    """Open tickets with a point: clusters (count, overdue) below ``CLUSTER_BELOW_ZOOM``, else points, within
    ``bbox`` ("west,south,east,north") when given. Staff with ticket scope see exact points."""
    from gongzhi.tickets.enums import TicketStatus

    at = now or timezone.now()
    overdue = _overdue_q(at)
    qs = _open_tickets(actor, place).filter(lng__isnull=False, lat__isnull=False)
    box = _bbox(bbox)
    if box:
        qs = qs.filter(lng__gte=box[0], lat__gte=box[1], lng__lte=box[2], lat__lte=box[3])
    zoom = 12 if zoom is None else max(0, min(int(zoom), 20))
    if zoom < CLUSTER_BELOW_ZOOM:
        cell = 360.0 / (2**zoom) / (256 / CELL_PIXELS)
        rows = (
            qs.annotate(cx=Floor(F("lng") / cell), cy=Floor(F("lat") / cell))
            .values("cx", "cy")
            .annotate(n=Count("id"), late=Count("id", filter=overdue), lng_c=Avg("lng"), lat_c=Avg("lat"))
            .order_by("cx", "cy")
        )
        features = [
            _point(r["lng_c"], r["lat_c"], cluster=True, count=r["n"], overdue=r["late"]) for r in rows
        ]
        return _collection(
            features,
            mode="clusters",
            zoom=zoom,
            count=sum(f["properties"]["count"] for f in features),
            overdue=sum(f["properties"]["overdue"] for f in features),
        )
    from gongzhi.tickets.enums import HANDLING
    from gongzhi.tickets.models import ticket_number

    rows = list(
        qs.order_by("-id").values_list("pk", "created_at", "lng", "lat", "status", "title", "deadline")[
            : MAX_POINTS + 1
        ]
    )
    cut = len(rows) > MAX_POINTS
    # 2,000 points: the number and URL from the values, no model or reverse() per row (a quarter second)
    url_of = reverse("tickets:detail", args=[0]).rsplit("0/", 1)[0] + "{}/"
    labels = {str(s): str(s.label) for s in TicketStatus}
    features = []
    for pk, created_at, lng, lat, status, title, deadline in rows[:MAX_POINTS]:
        late = bool(deadline and status in HANDLING and deadline < at)
        features.append(
            _point(
                lng,
                lat,
                id=pk,
                number=ticket_number(pk, created_at),
                title=title,
                status=labels[str(status)],
                overdue=late,
                url=url_of.format(pk),
            )
        )
    return _collection(
        features,
        mode="points",
        zoom=zoom,
        count=len(features),
        overdue=sum(1 for f in features if f["properties"]["overdue"]),
        cut=cut,
    )


def ticket_heat_layer(
    *, actor: Actor, place: MapPlace, now: datetime | None = None, **_: Any
) -> dict[str, Any]:
    """Open tickets per grid (the heat: a choropleth by count), with the overdue among them."""
    overdue = _overdue_q(now or timezone.now())
    rows = (
        _open_tickets(actor, place)
        .exclude(grid_code="")
        .values("grid_code")
        .annotate(n=Count("id"), late=Count("id", filter=overdue))
        .order_by()
    )
    counts = {r["grid_code"]: {"count": r["n"], "overdue": r["late"]} for r in rows}
    return _grid_counts_layer(place, counts, key="count")


# --- units and their paired grids ---------------------------------------------------------------------------


def units_layer(*, actor: Actor, place: MapPlace, **_: Any) -> dict[str, Any]:
    """驻区单位 around their community's centre (a unit has an address, not a point), each with a line to the
    centre of the grid it is paired with."""
    from gongzhi.party.enums import UnitKind
    from gongzhi.party.selectors.registration import unit_list_for_actor

    where = Q(paired_grid__code=place.code) if place.level == "grid" else place.q()
    rows = list(
        unit_list_for_actor(actor=actor)
        .select_related(None)
        .filter(where)
        .values_list("pk", "name", "kind", "community_code", "paired_grid__code", "paired_grid__name")
    )
    where_at = anchors(grid_codes=[r[4] for r in rows if r[4]], community_codes=[r[3] for r in rows])
    by_community: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for r in rows:
        by_community[r[3]].append(r)
    features = []
    unplaced = 0
    for community_code, units in sorted(by_community.items()):
        centre = where_at.get(community_code)
        for i, (pk, name, kind, _c, grid_code, grid_name) in enumerate(units):
            if centre is None:
                unplaced += 1
                continue
            lng, lat = ring(centre, i, len(units))
            kind_label = str(UnitKind(kind).label) if kind in UnitKind.values else kind
            features.append(
                _point(
                    lng,
                    lat,
                    id=pk,
                    name=name,
                    kind=kind_label,
                    grid=grid_code or "",
                    grid_name=grid_name or "",
                )
            )
            target = where_at.get(grid_code or "")
            if target:
                features.append(
                    {
                        "type": "Feature",
                        "geometry": {
                            "type": "LineString",
                            "coordinates": [[lng, lat], [target[0], target[1]]],
                        },
                        "properties": {"pairing": True, "unit": pk, "grid": grid_code},
                    }
                )
    count = len(rows)
    return _collection(features, count=count, paired=sum(1 for r in rows if r[4]), unplaced=unplaced)


# --- venues with their 15-minute circles -------------------------------------------------------------------


def venues_layer(*, actor: Actor, place: MapPlace, **_: Any) -> dict[str, Any]:
    """Active venues with a point, each with the radius of its estimated 15-minute walk (the venues app's
    coverage: the walk divided by the detour factor)."""
    from gongzhi.venues import coverage
    from gongzhi.venues.enums import VenueKind
    from gongzhi.venues.selectors import venue_list_for_actor

    radius = round(coverage.WALK_METRES / coverage.DETOUR_FACTOR)
    rows = (
        venue_list_for_actor(actor=actor, active=True)
        .select_related(None)
        .filter(place.q())
        .values_list("pk", "name", "kind", "lng", "lat")
    )
    features = []
    unplaced = 0
    for pk, name, kind, lng, lat in rows:
        if lng is None or lat is None:
            unplaced += 1
            continue
        kind_label = str(VenueKind(kind).label) if kind in VenueKind.values else kind
        features.append(
            _point(
                lng,
                lat,
                id=pk,
                name=name,
                kind=kind,
                kind_label=kind_label,
                radius_m=radius,
                url=reverse("venues:detail", args=[pk]),
            )
        )
    return _collection(features, count=len(features), unplaced=unplaced, radius_m=radius)


# --- devices and their status --------------------------------------------------------------------------------

STATUSES = ("online", "offline", "faulty")


def devices_layer(*, actor: Actor, place: MapPlace, **_: Any) -> dict[str, Any]:
    """Devices per grid (or per community when the device names no grid): how many online, offline and
    faulty — faulty is an online device with an open 遮挡或破坏 (tamper) incident. Retired devices are left
    out. Three grouped queries."""
    from gongzhi.devices.enums import DeviceStatus, EventKind
    from gongzhi.devices.models import Incident
    from gongzhi.devices.selectors import device_list_for_actor

    devices = (
        device_list_for_actor(actor=actor)
        .select_related(None)
        .filter(place.q())
        .exclude(status=DeviceStatus.RETIRED)
    )
    tampered = Incident.objects.filter(kind=EventKind.TAMPER, ended_at__isnull=True).values("device_id")
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(STATUSES, 0))
    for r in devices.values("grid_code", "community_code", "status").annotate(n=Count("id")).order_by():
        key = (r["grid_code"], r["community_code"])
        counts[key]["offline" if r["status"] == DeviceStatus.OFFLINE else "online"] += r["n"]
    faulty = (
        devices.filter(id__in=tampered)
        .exclude(status=DeviceStatus.OFFLINE)
        .values("grid_code", "community_code")
        .annotate(n=Count("id"))
        .order_by()
    )
    for r in faulty:
        key = (r["grid_code"], r["community_code"])
        counts[key]["faulty"] += r["n"]
        counts[key]["online"] -= r["n"]
    where_at = anchors(grid_codes=[g for g, _c in counts], community_codes=[c for _g, c in counts])
    features = []
    unplaced = 0
    for (grid_code, community_code), c in sorted(counts.items()):
        centre = where_at.get(grid_code) or where_at.get(community_code)
        if centre is None:
            unplaced += sum(c.values())
            continue
        worst = next((s for s in ("faulty", "offline") if c[s]), "online")
        features.append(
            _point(
                *centre, grid=grid_code, community=community_code, status=worst, total=sum(c.values()), **c
            )
        )
    totals = {s: sum(c[s] for c in counts.values()) for s in STATUSES}
    return _collection(features, unplaced=unplaced, **totals)


# --- mediation warnings --------------------------------------------------------------------------------------


def warnings_layer(*, actor: Actor, place: MapPlace, **_: Any) -> dict[str, Any]:
    """Open mediation warnings (待处置 and 已指派) at their grid, else their community: kind, week, count
    and status — not the subject (it may name a household)."""
    from gongzhi.mediation.enums import WarningKind, WarningStatus
    from gongzhi.mediation.selectors import warning_list_for_actor

    rows = list(
        warning_list_for_actor(actor=actor)
        .select_related(None)
        .filter(place.q(), status__in=[WarningStatus.OPEN, WarningStatus.TAKEN])
        .order_by("grid_code", "community_code", "id")
        .values_list("pk", "kind", "week_start", "count", "status", "grid_code", "community_code")
    )
    where_at = anchors(grid_codes=[r[5] for r in rows], community_codes=[r[6] for r in rows])
    by_anchor: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    unplaced = 0
    for r in rows:
        key = r[5] if r[5] in where_at else r[6]
        if key in where_at:
            by_anchor[key].append(r)
        else:
            unplaced += 1
    features = []
    labels, statuses = dict(WarningKind.choices), dict(WarningStatus.choices)
    for key, group in sorted(by_anchor.items()):
        for i, (pk, kind, week, count, status, grid_code, community_code) in enumerate(group):
            lng, lat = ring(where_at[key], i, len(group))
            features.append(
                _point(
                    lng,
                    lat,
                    id=pk,
                    kind=kind,
                    kind_label=str(labels.get(kind, kind)),
                    week=week.isoformat(),
                    count=count,
                    status=str(statuses.get(status, status)),
                    grid=grid_code,
                    community=community_code,
                )
            )
    return _collection(features, count=len(rows), unplaced=unplaced, url=reverse("mediation:warnings"))


# --- care groups: counts per grid, never persons -------------------------------------------------------------


def care_layer(*, actor: Actor, place: MapPlace, **_: Any) -> dict[str, Any]:
    """How many persons of the open care groups live in each grid (active memberships, need-to-know groups
    never counted): a count per grid polygon and nothing else. Empty for an account without a population
    role (the care app's own rule)."""
    from gongzhi.care.selectors import membership_list_for_actor

    rows = (
        membership_list_for_actor(actor=actor)
        .select_related(None)
        .filter(place.q())
        .exclude(grid_code="")
        .values("grid_code")
        .annotate(n=Count("person_id", distinct=True))
        .order_by()
    )
    counts = {r["grid_code"]: {"count": r["n"]} for r in rows}
    return _grid_counts_layer(place, counts, key="count")


LayerReader = Callable[..., dict[str, Any]]
LAYERS: dict[str, LayerReader] = {
    "grids": grids_layer,
    "tickets": tickets_layer,
    "ticket_heat": ticket_heat_layer,
    "units": units_layer,
    "venues": venues_layer,
    "devices": devices_layer,
    "warnings": warnings_layer,
    "care": care_layer,
}
