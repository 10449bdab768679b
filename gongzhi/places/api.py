from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema, Status

from gongzhi.core.access import actor_of
from gongzhi.core.api import ERRORS, ErrorOut, page_of, session_auth
from gongzhi.core.errors import ApplicationError, NotFound
from gongzhi.places import selectors, services
from gongzhi.places.enums import RESIDENTIAL_BAND

router = Router(tags=["网格"], auth=session_auth)


class GridOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    kind_label: str
    covers: str
    covers_name: str
    community_code: str
    community_name: str
    center_lng: float | None
    center_lat: float | None

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_community_name(obj: Any) -> str:
        return obj.community.name


class GridPage(Schema):
    items: list[GridOut]
    next_after: int | None


class GridFilter(Schema):
    community_code: str = ""
    kind: str = ""
    q: str = Field("", max_length=50)
    after: int | None = None
    limit: int = Field(50, ge=1, le=500)


class TeamMemberOut(Schema):
    id: int
    role: str
    role_label: str
    name: str
    phone_masked: str
    note: str

    @staticmethod
    def resolve_role_label(obj: Any) -> str:
        return str(obj.get_role_display())


class TeamMemberIn(Schema):
    role: str
    name: str
    phone: str = ""
    note: str = ""
    username: str = Field("", description="关联的工作人员账号（选填）：职责范围须覆盖本社区")


class TeamMemberPatch(Schema):
    """Only the fields sent change; ``phone: ""`` clears the phone."""

    role: str | None = None
    name: str | None = None
    phone: str | None = None
    note: str | None = None


class GridDetailOut(GridOut):
    boundary: dict | None
    team: list[TeamMemberOut]
    figures: dict[str, int]

    # The handler reads the team and figures through the selectors and hangs them on the grid.
    @staticmethod
    def resolve_team(obj: Any) -> list[Any]:
        return obj.team_list

    @staticmethod
    def resolve_figures(obj: Any) -> dict[str, int]:
        return obj.figures


class GridProperties(Schema):
    code: str
    name: str
    kind: str
    kind_label: str
    covers: str
    covers_name: str
    community_code: str


class GridFeatureOut(Schema):
    type: Literal["Feature"]
    id: str
    geometry: dict | None
    properties: GridProperties


class GridFeatureCollectionOut(Schema):
    type: Literal["FeatureCollection"]
    features: list[GridFeatureOut]


class GeoJSONFilter(Schema):
    community_code: str = Field("", max_length=12)


class GridImportIn(Schema):
    community_code: str = Field(..., max_length=12)
    feature_collection: dict
    accept_gaps: bool = False
    dry_run: bool = False


class GridImportErrorOut(Schema):
    index: int | None
    code: str
    field: str
    message: str


class OverlapOut(Schema):
    codes: list[str]
    area_m2: float
    lng: float
    lat: float


class GapOut(Schema):
    area_m2: float
    lng: float
    lat: float
    geometry: dict


class OutsideOut(Schema):
    code: str
    area_m2: float


class ImportReportOut(Schema):
    community_code: str
    community_name: str
    dry_run: bool
    accept_gaps: bool
    saved: bool
    blocked: bool
    message: str
    features: int
    created: list[str]
    updated: list[str]
    unchanged: list[str]
    errors: list[GridImportErrorOut]
    overlaps: list[OverlapOut]
    gaps: list[GapOut]
    gap_area_m2: float
    gap_basis: str
    outside: list[OutsideOut]


class ImportRefusedOut(ErrorOut):
    # The file's report when the file fails its checks; absent when the request itself is malformed
    # (a missing or too long field), which is the plain error shape.
    report: ImportReportOut | None = None


class LocateQuery(Schema):
    lng: float = Field(..., ge=-180, le=180)
    lat: float = Field(..., ge=-90, le=90)


class BandRowOut(Schema):
    code: str
    name: str
    community: str
    community_code: str
    households: int
    problem: str


class BandReportOut(Schema):
    low: int
    high: int
    items: list[BandRowOut]


@router.get("/grids", response={200: GridPage, **ERRORS}, summary="网格列表（按数据范围）")
def grid_list(request: HttpRequest, filters: Query[GridFilter]):
    rows = selectors.grid_list_for_actor(
        actor=actor_of(request),
        community_code=filters.community_code,
        kind=filters.kind,
        q=filters.q,
        after_id=filters.after,
        limit=filters.limit + 1,
    )
    return page_of(list(rows), filters.limit)


@router.get(
    "/grids/geojson",
    response={200: GridFeatureCollectionOut, **ERRORS},
    url_name="grid_geojson",
    summary="网格边界（GeoJSON，按数据范围）",
)
def grid_geojson(request: HttpRequest, filters: Query[GeoJSONFilter]):
    return selectors.grids_feature_collection(
        actor=actor_of(request),
        community_code=filters.community_code,
    )


@router.post(
    "/grids/import",
    response={200: ImportReportOut, 400: ImportRefusedOut, **{k: v for k, v in ERRORS.items() if k != 400}},
    summary="导入社区网格边界（GeoJSON），仅区级管理员",
)
def grid_import(request: HttpRequest, payload: GridImportIn):
    """200 with the report when the file passes (and, unless ``dry_run``, is saved); 400 with the same
    report under ``report`` when it does not: nothing is saved then."""
    community = (
        selectors.import_communities_for_actor(actor=actor_of(request))
        .filter(code=payload.community_code.strip())
        .first()
    )
    if community is None:
        raise NotFound()
    report = services.grids_import_geojson(
        actor=actor_of(request),
        community_id=community.pk,
        feature_collection=payload.feature_collection,
        accept_gaps=payload.accept_gaps,
        dry_run=payload.dry_run,
    )
    if report.blocked:
        raise ApplicationError(
            report.message,
            code="import_refused",
            fields=report.field_messages(),
            extra={"report": report.as_dict()},
        )
    return report.as_dict()


@router.get("/grids/locate", response={200: GridOut, **ERRORS}, summary="坐标所在网格（WGS-84）")
def grid_locate(request: HttpRequest, point: Query[LocateQuery]):
    grid = selectors.grid_for_point(
        lng=point.lng,
        lat=point.lat,
        actor=actor_of(request),
    )
    if grid is None:
        raise NotFound(gettext("该位置不在您可查看的任何网格内"))
    return grid


@router.get(
    "/grids/band-report",
    response={200: BandReportOut, **ERRORS},
    summary="户数不在300–500户之间的居民网格",
)
def grid_band_report(request: HttpRequest):
    low, high = RESIDENTIAL_BAND
    rows = selectors.households_outside_band(actor=actor_of(request))
    return {"low": low, "high": high, "items": rows}


@router.get(
    "/grids/{code}",
    response={200: GridDetailOut, **ERRORS},
    summary="网格详情：队伍与数字",
    url_name="grid_detail",
)
def grid_detail(request: HttpRequest, code: str):
    grid = selectors.grid_get_for_actor(actor=actor_of(request), code=code)
    grid.team_list = list(selectors.grid_team(grid=grid))  # type: ignore[attr-defined]
    grid.figures = selectors.grid_figures(grid=grid)  # type: ignore[attr-defined]
    return grid


# The team routes sit under /grids/{code}/team: deeper than /grids/{code}, so they never shadow it or
# the static /grids/… routes above, and those never take them.


@router.post(
    "/grids/{code}/team",
    response={201: TeamMemberOut, **ERRORS},
    summary="网格队伍：添加成员",
    url_name="grid_team_add",
)
def grid_team_add(request: HttpRequest, code: str, payload: TeamMemberIn):
    grid = selectors.grid_get_for_team_editor(actor=actor_of(request), code=code)
    member = services.grid_team_member_add(
        actor=actor_of(request),
        grid=grid,
        role=payload.role,
        name=payload.name,
        phone=payload.phone,
        note=payload.note,
        username=payload.username,
    )
    return Status(201, member)


@router.patch(
    "/grids/{code}/team/{member_id}",
    response={200: TeamMemberOut, **ERRORS},
    summary="网格队伍：修改成员",
    url_name="grid_team_member",
)
def grid_team_update(request: HttpRequest, code: str, member_id: int, payload: TeamMemberPatch):
    grid = selectors.grid_get_for_team_editor(actor=actor_of(request), code=code)
    member = selectors.grid_team_member_get(grid=grid, member_id=member_id)
    return services.grid_team_member_update(
        actor=actor_of(request),
        member_id=member.pk,
        **payload.dict(exclude_unset=True),
    )


@router.delete(
    "/grids/{code}/team/{member_id}",
    response={204: None, **ERRORS},
    summary="网格队伍：移出成员",
)
def grid_team_remove(request: HttpRequest, code: str, member_id: int):
    grid = selectors.grid_get_for_team_editor(actor=actor_of(request), code=code)
    member = selectors.grid_team_member_get(grid=grid, member_id=member_id)
    services.grid_team_member_remove(actor=actor_of(request), member_id=member.pk)
    return Status(204, None)
