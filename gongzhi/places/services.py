"""Places: every write to the administrative tree, households and grid teams goes through here."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import transaction

from gongzhi.audit.services import audit_record
from gongzhi.core import codes
from gongzhi.core.errors import ApplicationError, Forbidden, NotFound, ValidationFailed, field_error
from gongzhi.core.locks import lock_name
from gongzhi.core.roles import Role
from gongzhi.core.scope import scope_of
from gongzhi.places import boundaries, geo
from gongzhi.places.enums import DedicatedCover, GridKind, SubdistrictKind
from gongzhi.places.models import (
    Building,
    Community,
    Department,
    District,
    Estate,
    Grid,
    Household,
    Subdistrict,
)

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def _require_district_admin(actor: Actor | None, district_code: str) -> None:
    if actor is None or actor.is_superuser:
        return
    scope = scope_of(actor)
    if not any(r == Role.DISTRICT_ADMIN and code == district_code for r, _lvl, code in scope.places):
        raise Forbidden("只有本区管理员可以维护区划和网格")


def _require_community_editor(actor: Actor | None, obj: Any) -> None:
    if actor is None or actor.is_superuser:
        return
    if not scope_of(actor).can_edit_population(obj):
        raise NotFound()


def _name(value: str, field: str = "name", label: str = "名称", max_length: int = 50) -> str:
    value = (value or "").strip()
    if not value:
        raise field_error(field, f"请填写{label}", code="required")
    if len(value) > max_length:
        raise field_error(field, f"{label}不能超过{max_length}个字")
    return value


# The code checks of the create services, on their own so that a form can show them on its field first.


def validate_new_district_code(code: str) -> str:
    code = codes.validate_district_code(code)
    if District.objects.filter(code=code).exists():
        raise field_error("code", f"区县代码{code}已存在", code="duplicate")
    return code


def validate_new_subdistrict_code(code: str, district_code: str | None) -> str:
    code = codes.validate_subdistrict_code(code, district_code)
    if Subdistrict.objects.filter(code=code).exists():
        raise field_error("code", f"街道代码{code}已存在", code="duplicate")
    return code


def validate_new_community_code(code: str, subdistrict_code: str | None, kind: str | None = None) -> str:
    code = codes.validate_community_code(code, subdistrict_code, kind)
    if Community.objects.filter(code=code).exists():
        raise field_error("code", f"社区代码{code}已存在", code="duplicate")
    return code


def _require_system(actor: Actor | None) -> None:
    # A district is the root of everyone's scope: no role may create one, only the system itself.
    if actor is None or actor.is_superuser:
        return
    raise Forbidden("只有系统管理员可以创建区县")


@transaction.atomic
def district_create(*, actor: Actor | None, code: str, name: str) -> District:
    _require_system(actor)
    code = validate_new_district_code(code)
    district = District.objects.create(code=code, name=_name(name))
    audit_record(
        actor=actor,
        target=district,
        event="places.district_created",
        data={"code": code, "name": district.name},
    )
    return district


@transaction.atomic
def subdistrict_create(*, actor: Actor | None, district: District, code: str, name: str) -> Subdistrict:
    _require_district_admin(actor, district.code)
    code = validate_new_subdistrict_code(code, district.code)
    kind = SubdistrictKind(codes.township_kind(int(code[6:9])).value)
    sub = Subdistrict.objects.create(district=district, code=code, name=_name(name), kind=kind)
    audit_record(
        actor=actor, target=sub, event="places.subdistrict_created", data={"code": code, "name": sub.name}
    )
    return sub


@transaction.atomic
def community_create(
    *,
    actor: Actor | None,
    subdistrict: Subdistrict,
    code: str,
    name: str,
    kind: str | None = None,
    boundary: dict | None = None,
) -> Community:
    _require_district_admin(actor, subdistrict.code[:6])
    code = validate_new_community_code(code, subdistrict.code, kind)
    if boundary is not None:
        boundary = geo.to_geojson(geo.parse_boundary(boundary))
    community = Community.objects.create(
        subdistrict=subdistrict,
        code=code,
        name=_name(name),
        kind=codes.community_kind(code).value,
        boundary=boundary,
    )
    audit_record(
        actor=actor,
        target=community,
        event="places.community_created",
        data={"code": code, "name": community.name},
    )
    return community


_Place = TypeVar("_Place", District, Subdistrict, Community)


def _rename(actor: Actor | None, place: _Place, name: str, event: str) -> _Place:
    """The shared body of the renames: the caller has locked ``place``; only the name changes.

    A code is a place's identity (every placed row carries it), so nothing here can change one.
    """
    try:
        _require_district_admin(actor, place.district_code)
    except Forbidden:
        raise NotFound() from None  # another district's place: missing and forbidden look the same
    name = _name(name)
    if name == place.name:
        return place
    old = place.name
    place.name = name
    place.save(update_fields=["name", "updated_at"])
    audit_record(
        actor=actor,
        target=place,
        event=event,
        data={"code": place.code, "old": {"name": old}, "new": {"name": name}},
    )
    return place


@transaction.atomic
def district_rename(*, actor: Actor | None, district_id: int, name: str) -> District:
    district = District.objects.select_for_update().filter(pk=district_id).first()
    if district is None:
        raise NotFound()
    return _rename(actor, district, name, "places.district_renamed")


@transaction.atomic
def subdistrict_rename(*, actor: Actor | None, subdistrict_id: int, name: str) -> Subdistrict:
    sub = Subdistrict.objects.select_for_update().filter(pk=subdistrict_id).first()
    if sub is None:
        raise NotFound()
    return _rename(actor, sub, name, "places.subdistrict_renamed")


@transaction.atomic
def community_rename(*, actor: Actor | None, community_id: int, name: str) -> Community:
    community = Community.objects.select_for_update().filter(pk=community_id).first()
    if community is None:
        raise NotFound()
    return _rename(actor, community, name, "places.community_renamed")


def _apply_boundary(grid: Grid, boundary: dict | None) -> None:
    if boundary is None:
        grid.boundary = None
        grid.min_lng = grid.min_lat = grid.max_lng = grid.max_lat = grid.center_lng = grid.center_lat = None
        return
    geom = geo.parse_boundary(boundary)
    grid.boundary = geo.to_geojson(geom)
    grid.min_lng, grid.min_lat, grid.max_lng, grid.max_lat = geom.bounds
    centre = geom.representative_point()
    grid.center_lng, grid.center_lat = centre.x, centre.y


def validate_grid_attributes(
    *, name: str, kind: str, covers: str = "", covers_name: str = ""
) -> dict[str, str]:
    """Name, kind and (for a dedicated grid) what it covers; the rules shared by create, update, import."""
    if not kind:
        raise field_error("kind", "请选择网格类型（居民网格、预留网格或专属网格）", code="required")
    if kind not in GridKind.values:
        raise field_error("kind", f"网格类型“{kind}”无效，应为居民网格、预留网格或专属网格")
    if kind == GridKind.DEDICATED:
        if covers not in DedicatedCover.values:
            raise field_error(
                "covers", "专属网格必须注明覆盖对象类型（园区、楼宇、市场、医院、学校、工业园区等）"
            )
        covers_name = _name(covers_name, "covers_name", "专属对象名称", 100)
    else:
        covers, covers_name = "", ""
    return {"name": _name(name), "kind": kind, "covers": covers, "covers_name": covers_name}


def validate_grid_fields(
    *,
    code: str,
    name: str,
    kind: str,
    covers: str = "",
    covers_name: str = "",
    community_code: str | None = None,
) -> dict[str, str]:
    code = codes.validate_grid_code(code, community_code)
    attrs = validate_grid_attributes(name=name, kind=kind, covers=covers, covers_name=covers_name)
    return {"code": code, **attrs}


@transaction.atomic
def grid_create(
    *,
    actor: Actor | None,
    community: Community,
    code: str,
    name: str,
    kind: str,
    covers: str = "",
    covers_name: str = "",
    boundary: dict | None = None,
) -> Grid:
    _require_district_admin(actor, community.code[:6])
    fields = validate_grid_fields(
        code=code, name=name, kind=kind, covers=covers, covers_name=covers_name, community_code=community.code
    )
    if Grid.objects.filter(code=fields["code"]).exists():
        raise field_error("code", f"网格编码{fields['code']}已存在", code="duplicate")
    grid = Grid(community=community, **fields)
    grid.set_place_codes(grid_code=grid.code)
    _apply_boundary(grid, boundary)
    grid.save()
    audit_record(actor=actor, target=grid, event="places.grid_created", data={**fields})
    return grid


@transaction.atomic
def grid_update(*, actor: Actor | None, grid_id: int, **changes: Any) -> Grid:
    grid = Grid.objects.select_for_update().filter(pk=grid_id).first()
    if grid is None:
        raise NotFound()
    _require_district_admin(actor, grid.district_code)
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    if "boundary" in changes:
        boundary = changes.pop("boundary")
        geom = geo.parse_boundary(boundary) if boundary is not None else None
        if not boundaries.same_boundary(grid.boundary, geom):
            old["boundary"] = grid.boundary is not None
            _apply_boundary(grid, boundary)
            new["boundary"] = "changed" if grid.boundary is not None else False
    if changes:
        merged = {
            "code": grid.code,
            "name": changes.get("name", grid.name),
            "kind": changes.get("kind", grid.kind),
            "covers": changes.get("covers", grid.covers),
            "covers_name": changes.get("covers_name", grid.covers_name),
        }
        fields = validate_grid_fields(**merged, community_code=grid.community_code)
        for key in ("name", "kind", "covers", "covers_name"):
            if getattr(grid, key) != fields[key]:
                old[key], new[key] = getattr(grid, key), fields[key]
                setattr(grid, key, fields[key])
    if not new:
        return grid
    grid.save()
    audit_record(actor=actor, target=grid, event="places.grid_updated", data={"old": old, "new": new})
    return grid


@transaction.atomic
def grids_import_geojson(
    *,
    actor: Actor | None,
    community_id: int,
    feature_collection: dict,
    accept_gaps: bool = False,
    dry_run: bool = False,
) -> boundaries.ImportReport:
    """Create and update a community's grids from a GeoJSON FeatureCollection, all or nothing.

    Every feature is checked (code, name, kind, geometry), then the grids as they would be after the
    import (the file plus the community's saved grids not in it) are checked for overlaps and gaps.
    Any error or overlap refuses the whole file; gaps refuse it unless ``accept_gaps``. A refused or
    dry-run import returns the report and writes nothing. Grids in the file that match what is saved
    are left alone, so importing an export changes nothing.
    """
    community = Community.objects.select_for_update().filter(pk=community_id).first()
    if community is None:
        raise NotFound()
    try:
        _require_district_admin(actor, community.code[:6])
    except Forbidden:
        raise NotFound() from None
    existing = {g.code: g for g in Grid.objects.select_for_update().filter(community=community)}
    report = boundaries.ImportReport(
        community_code=community.code, community_name=community.name, dry_run=dry_run, accept_gaps=accept_gaps
    )
    features = boundaries.read_features(
        feature_collection, community_code=community.code, existing=existing, report=report
    )
    for f in features:
        try:
            attrs = validate_grid_attributes(
                name=f.name, kind=f.kind, covers=f.covers, covers_name=f.covers_name
            )
        except ValidationFailed as exc:
            report.errors_from(f.index, f.code, exc)
            continue
        f.name, f.kind, f.covers, f.covers_name = (
            attrs["name"],
            attrs["kind"],
            attrs["covers"],
            attrs["covers_name"],
        )

    # The community as it would be after the import: the file's grids plus the saved ones not in it.
    in_file = {f.code: f for f in features if f.code_ok}
    shapes: dict[str, Any] = {}
    for code, grid in existing.items():
        saved_geom = in_file[code].geom if code in in_file else None
        if saved_geom is not None:
            shapes[code] = saved_geom
        elif grid.boundary is not None:
            shapes[code] = geo.parse_boundary(grid.boundary)
    for code, f in in_file.items():
        if code not in existing and f.geom is not None:
            shapes[code] = f.geom
    community_geom = geo.parse_boundary(community.boundary) if community.boundary else None
    boundaries.check_layout(report, shapes, community_geom)

    for code, f in in_file.items():
        saved = existing.get(code)
        if saved is None:
            report.created.append(code)
        elif (saved.name, saved.kind, saved.covers, saved.covers_name) == (
            f.name,
            f.kind,
            f.covers,
            f.covers_name,
        ) and (f.geom is None or boundaries.same_boundary(saved.boundary, f.geom)):
            report.unchanged.append(code)
        else:
            report.updated.append(code)
    if report.blocked or dry_run:
        return report

    for code in report.created:
        f = in_file[code]
        grid_create(
            actor=actor,
            community=community,
            code=code,
            name=f.name,
            kind=f.kind,
            covers=f.covers,
            covers_name=f.covers_name,
            boundary=f.boundary,
        )
    for code in report.updated:
        f = in_file[code]
        changes: dict[str, Any] = {
            "name": f.name,
            "kind": f.kind,
            "covers": f.covers,
            "covers_name": f.covers_name,
        }
        if f.boundary is not None:
            changes["boundary"] = f.boundary
        grid_update(actor=actor, grid_id=existing[code].pk, **changes)
    report.saved = True
    if report.created or report.updated:
        audit_record(
            actor=actor,
            target=community,
            event="places.grids_imported",
            data={
                "created": report.created,
                "updated": report.updated,
                "unchanged": len(report.unchanged),
                "gaps": len(report.gaps),
                "gap_area_m2": report.gap_area_m2,
                "accept_gaps": accept_gaps,
            },
        )
    return report


@transaction.atomic
def department_create(*, actor: Actor | None, district: District, code: str, name: str) -> Department:
    _require_district_admin(actor, district.code)
    code = _name(code, "code", "部门代码", 30)
    if Department.objects.filter(district=district, code=code).exists():
        raise field_error("code", f"部门代码{code}已存在", code="duplicate")
    dep = Department.objects.create(district=district, code=code, name=_name(name, max_length=100))
    audit_record(
        actor=actor, target=dep, event="places.department_created", data={"code": code, "name": dep.name}
    )
    return dep


@transaction.atomic
def department_update(*, actor: Actor | None, department_id: int, name: str) -> Department:
    dep = (
        Department.objects.select_for_update(of=("self",))
        .select_related("district")
        .filter(pk=department_id)
        .first()
    )
    if dep is None:
        raise NotFound()
    _require_district_admin(actor, dep.district.code)
    name = _name(name, max_length=100)
    if name == dep.name:
        return dep
    old = dep.name
    dep.name = name
    dep.save(update_fields=["name", "updated_at"])
    audit_record(
        actor=actor,
        target=dep,
        event="places.department_updated",
        data={"old": {"name": old}, "new": {"name": name}},
    )
    return dep


# --- estates, buildings, households ----------------------------------------------------------------

_SPACES = re.compile(r"\s+")


def address_key(*parts: str) -> str:
    return "|".join(_SPACES.sub("", p or "").upper() for p in parts)


def compose_address(estate: str, building: str, entrance: str, door: str) -> str:
    out = estate or ""
    if building:
        out += building if building.endswith(("号楼", "栋", "幢")) else f"{building}号楼"
    if entrance:
        out += entrance if entrance.endswith("单元") else f"{entrance}单元"
    if door:
        out += door if door.endswith(("室", "号")) else f"{door}室"
    return out


def lock_addresses(*community_ids: int) -> None:
    """Estates, buildings and households of a community are created one writer at a time: two entries of
    the same new address (or of two doors of a new building) would each miss the other's uncommitted row
    and meet the unique constraint (a 500), or make the same building twice. Callers that create in several
    communities lock them all up front (``lock_name`` takes them in a fixed order)."""
    lock_name(*(f"places.addresses:{c}" for c in community_ids))


@transaction.atomic
def estate_get_or_create(
    *, actor: Actor | None, community: Community, name: str, grid_code: str = ""
) -> Estate:
    name = _name(name, "estate", "小区名称", 100)
    lock_addresses(community.pk)
    estate = Estate.objects.filter(community=community, name=name).first()
    if estate:
        return estate
    estate = Estate(community=community, name=name)
    estate.set_place_codes(community_code=community.code, grid_code=grid_code)
    _require_community_editor(actor, estate)
    estate.save()
    audit_record(actor=actor, target=estate, event="places.estate_created", data={"name": name})
    return estate


@transaction.atomic
def building_get_or_create(
    *, actor: Actor | None, grid: Grid, estate: Estate | None, number: str
) -> Building:
    number = _name(number, "building", "楼号", 30)
    lock_addresses(grid.community_id)
    building = Building.objects.filter(grid=grid, estate=estate, number=number).first()
    if building:
        return building
    building = Building(grid=grid, estate=estate, number=number)
    building.set_place_codes(grid_code=grid.code)
    _require_community_editor(actor, building)
    building.save()
    audit_record(actor=actor, target=building, event="places.building_created", data={"number": number})
    return building


@transaction.atomic
def household_create(
    *,
    actor: Actor | None,
    grid: Grid,
    estate_name: str = "",
    building_number: str = "",
    entrance: str = "",
    door: str = "",
    address: str = "",
) -> Household:
    probe = Household(grid=grid)
    probe.set_place_codes(grid_code=grid.code)
    _require_community_editor(actor, probe)
    lock_addresses(grid.community_id)
    estate = (
        estate_get_or_create(actor=actor, community=grid.community, name=estate_name, grid_code=grid.code)
        if estate_name
        else None
    )
    building = (
        building_get_or_create(actor=actor, grid=grid, estate=estate, number=building_number)
        if building_number
        else None
    )
    address = (address or "").strip() or compose_address(estate_name, building_number, entrance, door)
    if not address:
        raise field_error("address", "请填写住户地址（小区、楼栋、单元、门牌号）", code="required")
    key = (
        address_key(estate_name, building_number, entrance, door)
        if (estate_name or door)
        else address_key(address)
    )
    if Household.objects.filter(grid=grid, address_key=key).exists():
        raise ApplicationError(f"网格内已有住户“{address}”", code="duplicate", status=409)
    household = Household(
        grid=grid,
        building=building,
        entrance=entrance.strip(),
        door=door.strip(),
        address=address,
        address_key=key,
    )
    household.set_place_codes(grid_code=grid.code)
    household.save()
    audit_record(actor=actor, target=household, event="places.household_created", data={"address": address})
    return household
