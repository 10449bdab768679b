"""The administrative tree (district → subdistrict → community → grid), grid boundaries and their import,
and departments. One transaction and one audit row each."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.db import transaction
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.core import codes
from gongzhi.core.errors import Forbidden, NotFound, ValidationFailed, field_error
from gongzhi.core.permissions import require
from gongzhi.places import boundaries, geo
from gongzhi.places.enums import DedicatedCover, GridKind, SubdistrictKind
from gongzhi.places.models import Community, Department, District, Grid, Subdistrict
from gongzhi.places.services._common import _name, _require_district_admin

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def validate_new_district_code(code: str) -> str:
    code = codes.validate_district_code(code)
    if District.objects.filter(code=code).exists():
        raise field_error("code", gettext("区县代码%(code)s已存在") % {"code": code}, code="duplicate")
    return code


def validate_new_subdistrict_code(code: str, district_code: str | None) -> str:
    code = codes.validate_subdistrict_code(code, district_code)
    if Subdistrict.objects.filter(code=code).exists():
        raise field_error("code", gettext("街道代码%(code)s已存在") % {"code": code}, code="duplicate")
    return code


def validate_new_community_code(code: str, subdistrict_code: str | None, kind: str | None = None) -> str:
    code = codes.validate_community_code(code, subdistrict_code, kind)
    if Community.objects.filter(code=code).exists():
        raise field_error("code", gettext("社区代码%(code)s已存在") % {"code": code}, code="duplicate")
    return code


@transaction.atomic
def district_create(*, actor: Actor | None, code: str, name: str) -> District:
    # A district is the root of everyone's scope: no role may create one, only the system itself.
    require(actor, "places.add_district", error=Forbidden(gettext("只有系统管理员可以创建区县")))
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
    _require_district_admin(actor, district)
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
    _require_district_admin(actor, subdistrict)
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
        _require_district_admin(actor, place)
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
        raise field_error("kind", gettext("请选择网格类型（居民网格、预留网格或专属网格）"), code="required")
    if kind not in GridKind.values:
        raise field_error(
            "kind", gettext("网格类型“%(kind)s”无效，应为居民网格、预留网格或专属网格") % {"kind": kind}
        )
    if kind == GridKind.DEDICATED:
        if covers not in DedicatedCover.values:
            raise field_error(
                "covers", gettext("专属网格必须注明覆盖对象类型（园区、楼宇、市场、医院、学校、工业园区等）")
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
    _require_district_admin(actor, community)
    fields = validate_grid_fields(
        code=code, name=name, kind=kind, covers=covers, covers_name=covers_name, community_code=community.code
    )
    if Grid.objects.filter(code=fields["code"]).exists():
        raise field_error(
            "code", gettext("网格编码%(value)s已存在") % {"value": fields["code"]}, code="duplicate"
        )
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
    _require_district_admin(actor, grid)
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
        _require_district_admin(actor, community)
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
    _require_district_admin(actor, district)
    code = _name(code, "code", "部门代码", 30)
    if Department.objects.filter(district=district, code=code).exists():
        raise field_error("code", gettext("部门代码%(code)s已存在") % {"code": code}, code="duplicate")
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
    _require_district_admin(actor, dep)
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
