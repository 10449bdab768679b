"""Demo: routing (智能分拨). Before the tickets: the district's mapping table from department type to its
own departments (城管 → 区城市管理局 …), through the routing services. The tickets themselves get their
suggestion at intake and their final choice at accept and dispatch (the tickets services call routing), so
every demo ticket carries one, and where the demo's handlers chose another category, level or department
the suggestion stands corrected — realistic corrections made the way the console makes them. After the
tickets: candidate keywords mined from those corrections, for the admin to approve."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from gongzhi.places.models import Department, District
from gongzhi.routing.services import department_mapping_set, keyword_candidates_mine

if TYPE_CHECKING:
    from gongzhi.demo.seed import DemoSeeder

# The demo district's departments (demo/layout.py DEPARTMENTS) by department type.
MAPPING = {
    "城管": "cgj",
    "住建": "zjj",
    "公安": "gaj",
    "市场监管": "scjgj",
    "生态环境": "sthj",
    "民政": "mzj",
}


def seed_routing_mapping(seeder: DemoSeeder) -> int:
    district = District.objects.order_by("code").first()
    if district is None:
        return 0
    deps = {d.code: d.pk for d in Department.objects.filter(district=district)}
    n = 0
    for dept_type, code in MAPPING.items():
        if code in deps:
            department_mapping_set(
                actor=None, district_code=district.code, department_type=dept_type, department_id=deps[code]
            )
            n += 1
    return n


def seed_routing_keywords(seeder: DemoSeeder) -> dict[str, Any]:
    from gongzhi.routing.models import Suggestion

    t = time.monotonic()
    district = District.objects.order_by("code").first()
    mined = keyword_candidates_mine(actor=None, district_code=district.code) if district else 0
    decided = Suggestion.objects.filter(accepted_without_change__isnull=False)
    return {
        "suggestions": Suggestion.objects.count(),
        "decided": decided.count(),
        "unchanged": decided.filter(accepted_without_change=True).count(),
        "candidates": mined,
        "seconds": round(time.monotonic() - t, 1),
    }
