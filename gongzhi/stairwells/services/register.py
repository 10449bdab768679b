"""Writes of the stairwell register: add one stairwell (a building's entrance), register every entrance
of a community's buildings at once, and change what the stairwell strives for (its title, the pact)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from gongzhi.audit.services import audit_record
from gongzhi.core import bounds
from gongzhi.core.errors import Conflict, NotFound, ValidationFailed
from gongzhi.core.permissions import require
from gongzhi.stairwells.enums import Title
from gongzhi.stairwells.models import Stairwell

if TYPE_CHECKING:
    from gongzhi.core.types import Actor
    from gongzhi.places.models import Building


def label_of(building: Building, entrance: str) -> str:
    estate = building.estate.name if building.estate_id and building.estate else ""
    return f"{estate}{building.number}号楼{entrance}单元"


def _new(building: Building, entrance: str, title: str = Title.CIVILISED) -> Stairwell:
    sw = Stairwell(
        building=building, entrance=entrance, label=label_of(building, entrance)[:160], title=title
    )
    sw.set_place_codes(grid_code=building.grid_code)
    return sw


def _entrance(value: Any) -> str:
    entrance = bounds.clean_text(str(value or "")).strip().removesuffix("单元")
    if not entrance or len(entrance) > 10:
        raise ValidationFailed(
            "请填写单元号（不超过10个字）", fields={"entrance": "请填写单元号（不超过10个字）"}
        )
    return entrance


@transaction.atomic
def stairwell_register(
    *, actor: Actor, building_id: int, entrance: str, title: str = Title.CIVILISED, pact_on_file: bool = False
) -> Stairwell:
    from gongzhi.places.models import Building

    building = (
        Building.objects.select_related("estate").filter(pk=building_id).first()
        if isinstance(building_id, int) and bounds.int_in_range(building_id)
        else None
    )
    if building is None:
        raise ValidationFailed("请选择楼栋", fields={"building_id": "楼栋不存在"})
    require(
        actor,
        "stairwells.manage_stairwell",
        building,
        error=ValidationFailed(
            "只能登记本人负责网格、社区的楼道", fields={"building_id": "只能登记本人负责网格、社区的楼道"}
        ),
    )
    entrance = _entrance(entrance)
    if title not in Title.values:
        raise ValidationFailed("请选择创建称号", fields={"title": "请选择创建称号"})
    if Stairwell.objects.filter(building=building, entrance=entrance).exists():
        raise Conflict("该楼道已登记", code="duplicate")
    sw = _new(building, entrance, title)
    sw.pact_on_file = bool(pact_on_file)
    sw.save()
    audit_record(actor=actor, target=sw, event="stairwells.stairwell_registered", data={"label": sw.label})
    return sw


# A new stairwell is written with these columns (the rest NULL or their defaults): one compiled INSERT run
# with executemany from plain values, the timestamp prepared once — a district's ~5,000 entrances in a
# fraction of a second, with no model instance per row.
_NEW_COLUMNS = [
    "created_at",
    "updated_at",
    "district_code",
    "subdistrict_code",
    "community_code",
    "grid_code",
    "building",
    "entrance",
    "label",
    "title",
    "pact_on_file",
    "status",
    "passes_in_row",
    "fails_in_row",
]


def _insert_stairwells(rows: list[tuple[Any, ...]]) -> None:
    """``rows``: (district, subdistrict, community, grid codes, building id, entrance, label)."""
    from django.db import connection
    from django.utils import timezone

    if not rows:
        return
    fields: list[Any] = [Stairwell._meta.get_field(n) for n in _NEW_COLUMNS]
    quote = connection.ops.quote_name
    # Only model metadata goes into the statement (quoted names); every value is a bound parameter.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(Stairwell._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    now = fields[0].get_db_prep_save(timezone.now(), connection=connection)
    tail = (Title.CIVILISED.value, False, "none", 0, 0)
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(now, now, *row, *tail) for row in rows])


@transaction.atomic
def stairwells_register_community(*, actor: Actor | None, community_id: int) -> int:
    """Every entrance of the community's buildings not yet on the register, added at once (one audit row);
    the demo district calls it per community. Returns how many were added."""
    from gongzhi.places.models import Building, Community, Household

    community = (
        Community.objects.filter(pk=community_id).first() if bounds.int_in_range(community_id) else None
    )
    if community is None:
        raise ValidationFailed("请选择社区", fields={"community_id": "请选择社区"})
    require(
        actor,
        "stairwells.manage_stairwell",
        community,
        error=ValidationFailed(
            "只能登记本人负责社区的楼道", fields={"community_id": "只能登记本人负责社区的楼道"}
        ),
    )
    buildings = list(
        Building.objects.filter(community_code=community.code)
        .order_by("grid_code", "pk")
        .values_list("pk", "number", "estate__name", "grid_code", "entrances")
    )
    entrances: dict[int, set[str]] = {b[0]: {str(n) for n in range(1, (b[4] or 1) + 1)} for b in buildings}
    for bid, entrance in (
        Household.objects.filter(community_code=community.code, building__isnull=False)
        .exclude(entrance="")
        .values_list("building_id", "entrance")
        .distinct()
    ):
        entrances.setdefault(bid, set()).add(entrance)
    known = set(
        Stairwell.objects.filter(community_code=community.code).values_list("building_id", "entrance")
    )
    codes = (community.district_code, community.subdistrict_code, community.code)
    rows = [
        (*codes, grid_code, pk, e, f"{estate or ''}{number}号楼{e}单元"[:160])
        for pk, number, estate, grid_code, _n in buildings
        for e in sorted(entrances[pk], key=lambda x: (len(x), x))
        if (pk, e) not in known
    ]
    _insert_stairwells(rows)
    if rows:
        audit_record(
            actor=actor, target=community, event="stairwells.stairwells_registered", data={"count": len(rows)}
        )
    return len(rows)


@transaction.atomic
def stairwell_update(*, actor: Actor, stairwell_id: int, title: str, pact_on_file: bool) -> Stairwell:
    from gongzhi.stairwells.selectors import stairwell_staff_q

    sw = (
        Stairwell.objects.select_for_update(of=("self",))
        .filter(stairwell_staff_q(actor), pk=stairwell_id)
        .first()
        if bounds.int_in_range(stairwell_id)
        else None
    )
    if sw is None:
        raise NotFound("楼道不存在或无权查看")
    require(actor, "stairwells.manage_stairwell", sw)
    if title not in Title.values:
        raise ValidationFailed("请选择创建称号", fields={"title": "请选择创建称号"})
    sw.title, sw.pact_on_file = title, bool(pact_on_file)
    sw.save(update_fields=["title", "pact_on_file", "updated_at"])
    audit_record(
        actor=actor,
        target=sw,
        event="stairwells.stairwell_changed",
        data={"title": title, "pact": sw.pact_on_file},
    )
    return sw


@transaction.atomic
def stairwell_register_downloaded(*, actor: Actor, community_code: str, rows: int) -> None:
    """The register names the captains: each download leaves an audit row."""
    from django.db.models import Model

    from gongzhi.accounts.models import User
    from gongzhi.places.models import Community

    target: Model | None = Community.objects.filter(code=community_code).first() if community_code else None
    if target is None:
        target = User.objects.get(pk=actor.pk)
    audit_record(
        actor=actor,
        target=target,
        event="stairwells.register_downloaded",
        data={"community_code": community_code, "rows": rows},
    )
