"""Rows for the cobuild tests, written through the cobuild services where they exist."""

from __future__ import annotations

from itertools import count

from django.utils import timezone

from gongzhi.cobuild import matching
from gongzhi.cobuild.enums import NeedSource, ProviderKind, ResourceKind
from gongzhi.cobuild.models import Need, Resource
from gongzhi.cobuild.services.needs import NeedInput, need_raise
from gongzhi.cobuild.services.resources import ResourceInput, resource_register
from gongzhi.party.enums import UnitKind
from gongzhi.party.models import Unit

_seq = count(1)


def uscc_for(n: int) -> str:
    from stdnum.cn import uscc

    body = f"91370100MB{n:07d}"[:17]
    return body + uscc.calc_check_digit(body)


def make_unit(d, name: str = "济阳区人民医院", community: str = "A1", liaison=None) -> Unit:
    c = d.communities[community]
    unit = Unit(
        name=name,
        uscc=uscc_for(next(_seq)),
        kind=UnitKind.HOSPITAL,
        community=c,
        liaison=liaison,
        registered_at=timezone.now(),
    )
    unit.set_place_codes(community_code=c.code)
    unit.save()
    return unit


def make_need(
    d, title: str = "独居老人测血压", category: str = "medical", community: str = "A1", **kw
) -> Need:
    data = NeedInput(title=title, category=category, **kw)
    return need_raise(
        actor=d.user("community_worker") if community == "A1" else d.user("district_admin"),
        data=data,
        source=NeedSource.COMMUNITY,
        community_id=d.communities[community].pk,
    )


def make_resource(
    d,
    unit: Unit,
    title: str = "义诊服务",
    categories=("medical",),
    capacity: int = 1,
    community: str = "A1",
    **kw,
) -> Resource:
    kw.setdefault("schedule", matching.ALL_SLOTS)
    return resource_register(
        actor=d.user("district_admin"),
        community_id=d.communities[community].pk,
        provider_kind=ProviderKind.UNIT,
        provider_id=unit.pk,
        data=ResourceInput(
            title=title, kind=ResourceKind.SERVICE, categories=list(categories), capacity=capacity, **kw
        ),
    )
