"""The one-map's place: which level of the administrative tree a map shows (``?place=<code>``), whether the
actor may look at it, its breadcrumb, and where rows without a point of their own are drawn.

The map is read by the staff who read a place's tickets (``TICKET_READERS``): a place is theirs when one of
their places in those roles is the place or above it. Anything else — a neighbour's community, a code that
does not exist, a malformed one — is the same ``NotFound``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Avg, Q
from django.utils.translation import gettext as _

from gongzhi.core.codes import common_place, place_chain
from gongzhi.core.errors import Forbidden, NotFound
from gongzhi.core.roles import TICKET_READERS
from gongzhi.core.scope import scope_of
from gongzhi.places.models import Community, District, Grid, Subdistrict

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

LEVELS = ("district", "subdistrict", "community", "grid")
MODELS: dict[str, Any] = {
    "district": District,
    "subdistrict": Subdistrict,
    "community": Community,
    "grid": Grid,
}


def level_of(code: str) -> str:
    """The level of a place code ("" when it is none): 6 digits a district, 12 ending in 000 a
    subdistrict, 12 a community, 15 a grid."""
    if not code.isdigit():
        return ""
    chain = place_chain(code)
    return LEVELS[len(chain) - 1] if chain else ""


@dataclass(frozen=True)
class MapPlace:
    level: str
    code: str
    name: str
    # (code, name) of the places above it that the actor may open, top first
    crumbs: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def q(self, prefix: str = "") -> Q:
        """Rows under this place (PlacedModel codes)."""
        return Q(**{f"{prefix}{self.level}_code": self.code})

    @property
    def child_level(self) -> str:
        """The level a click drills down to ("" at a grid)."""
        i = LEVELS.index(self.level)
        return LEVELS[i + 1] if i + 1 < len(LEVELS) else ""


def map_reader(actor: Actor) -> bool:
    """Whether the actor reads the one-map at all: a ticket reader placed somewhere, or a superuser."""
    return scope_of(actor).superuser or bool(_placed(actor))


def _placed(actor: Actor) -> set[str]:
    codes = scope_of(actor).codes(TICKET_READERS)
    return codes["district"] | codes["subdistrict"] | codes["community"] | codes["grid"]


def _reaches(actor: Actor, code: str) -> bool:
    scope = scope_of(actor)
    if scope.superuser:
        return True
    return bool(set(place_chain(code)) & _placed(actor))


def _default_code(actor: Actor) -> str:
    scope = scope_of(actor)
    if scope.superuser:
        return District.objects.order_by("code").values_list("code", flat=True).first() or ""
    common = common_place(_placed(actor))
    for level in reversed(LEVELS):
        if common.get(f"{level}_code"):
            return common[f"{level}_code"]
    # places in several districts: the first of them
    return sorted(_placed(actor))[0] if _placed(actor) else ""


def map_place_for_actor(*, actor: Actor, code: str = "") -> MapPlace:
    """The place the map shows: ``code``, or the smallest place holding all of the actor's places.
    Forbidden for an account that reads no place's map; NotFound for a place outside the actor's reach."""
    if not map_reader(actor):
        raise Forbidden(_("一张图仅供网格、社区、街道和区级工作人员查看"))
    code = (code or "").strip()[:15] or _default_code(actor)
    level = level_of(code)
    if not level or not _reaches(actor, code):
        raise NotFound(_("该区域不存在或不在您的管辖范围内"))
    row = MODELS[level].objects.filter(code=code).values_list("name", flat=True).first()
    if row is None:
        raise NotFound(_("该区域不存在或不在您的管辖范围内"))
    above = [c for c in place_chain(code)[:-1] if _reaches(actor, c)]
    names: dict[str, str] = {}
    for c in above:
        names[c] = MODELS[level_of(c)].objects.filter(code=c).values_list("name", flat=True).first() or c
    return MapPlace(level=level, code=code, name=row, crumbs=tuple((c, names[c]) for c in above))


def drill_code(place: MapPlace, grid_code: str) -> str:
    """The place one level below ``place`` that holds the grid ``grid_code`` ("" at a grid)."""
    child = place.child_level
    if not child:
        return ""
    return place_chain(grid_code)[LEVELS.index(child)]


# --- anchors: where a row without a point of its own is drawn -------------------------------------------


def anchors(*, grid_codes: Iterable[str], community_codes: Iterable[str]) -> dict[str, tuple[float, float]]:
    """(lng, lat) of each grid's centre and of each community's (the mean of its grids' centres), keyed by
    code: two grouped queries whatever the number of rows. Places with no drawn boundary are left out."""
    out: dict[str, tuple[float, float]] = {}
    grids = sorted({c for c in grid_codes if c})
    if grids:
        rows = Grid.objects.filter(code__in=grids, center_lng__isnull=False).values_list(
            "code", "center_lng", "center_lat"
        )
        out.update({code: (lng, lat) for code, lng, lat in rows if lng is not None and lat is not None})
    communities = sorted({c for c in community_codes if c})
    if communities:
        rows = (
            Grid.objects.filter(community_code__in=communities, center_lng__isnull=False)
            .values("community_code")
            .annotate(lng=Avg("center_lng"), lat=Avg("center_lat"))
            .values_list("community_code", "lng", "lat")
        )
        out.update({code: (lng, lat) for code, lng, lat in rows if lng is not None and lat is not None})
    return out


RING_DEGREES = 0.0012  # ≈ 130 m: rows sharing an anchor are drawn on a small ring around it


def ring(centre: tuple[float, float], index: int, count: int) -> tuple[float, float]:
    """The ``index``-th of ``count`` positions around ``centre`` (the centre itself when alone)."""
    if count <= 1:
        return centre
    angle = 2 * math.pi * index / count
    lng, lat = centre
    stretch = 1 / max(math.cos(math.radians(lat)), 0.2)  # a circle on the ground, not in degrees
    return (
        round(lng + RING_DEGREES * stretch * math.cos(angle), 6),
        round(lat + RING_DEGREES * math.sin(angle), 6),
    )
