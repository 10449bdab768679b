from django.http import HttpRequest
from ninja import Router, Schema

from gongzhi.places.selectors import overview_counts

router = Router(tags=["概览"])


class GridCounts(Schema):
    residential: int
    reserved: int
    dedicated: int


class OverviewOut(Schema):
    communities: int
    grids: GridCounts
    households: int
    persons: int


@router.get("/overview", response=OverviewOut, auth=None, summary="全区概览（无需登录，仅汇总数字）")
def overview(request: HttpRequest):
    return overview_counts()
