from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from gongzhi.core.api import ERRORS, page_of, session_auth
from gongzhi.places import selectors

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
    role: str
    role_label: str
    name: str
    phone_masked: str

    @staticmethod
    def resolve_role_label(obj: Any) -> str:
        return str(obj.get_role_display())


class GridDetailOut(GridOut):
    boundary: dict | None
    team: list[TeamMemberOut]
    figures: dict[str, int]


@router.get("/grids", response={200: GridPage, **ERRORS}, summary="网格列表（按数据范围）")
def grid_list(request: HttpRequest, filters: Query[GridFilter]):
    rows = selectors.grid_list_for_actor(
        actor=request.user,  # type: ignore[arg-type]
        community_code=filters.community_code,
        kind=filters.kind,
        q=filters.q,
        after_id=filters.after,
        limit=filters.limit + 1,
    )
    return page_of(list(rows), filters.limit)


@router.get("/grids/{code}", response={200: GridDetailOut, **ERRORS}, summary="网格详情：队伍与数字")
def grid_detail(request: HttpRequest, code: str):
    grid = selectors.grid_get_for_actor(actor=request.user, code=code)  # type: ignore[arg-type]
    grid.team_list = list(selectors.grid_team(grid=grid))  # type: ignore[attr-defined]
    return {
        **GridOut.from_orm(grid).dict(),
        "boundary": grid.boundary,
        "team": grid.team_list,  # type: ignore[attr-defined]
        "figures": selectors.grid_figures(grid=grid),
    }
