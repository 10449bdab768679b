"""Fifty households' redemptions of the last ten items at the same moment, with real threads at a barrier
(gongzhi.testing.concurrency): exactly ten succeed, the stock ends at zero, no balance below zero, every
other call a Chinese 409. On PostgreSQL (``make test-postgres``; the goods row is locked first, so the
others wait and then find the stock gone); SQLite serialises writers and is covered by test_services."""

from __future__ import annotations

import pytest
from django.db import connection

from gongzhi.core.errors import ApplicationError
from gongzhi.points.enums import AccountKind, Channel
from gongzhi.points.models import Account, Goods, Leg, Redemption
from gongzhi.points.services.shop import redemption_make
from gongzhi.points.tests.factories import award, make_goods, make_rule
from gongzhi.testing.concurrency import race

POSTGRES = connection.vendor == "postgresql"
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not POSTGRES, reason="PostgreSQL: the suite runs on it with make test-postgres"),
]


def test_fifty_redemptions_of_the_last_ten_items(district):
    households = [hh for key in ("g1", "g2") for hh in district.households[key]]
    rule = make_rule(district, high=50)
    for hh in households:
        award(district, hh, 50, rule=rule)
    goods = make_goods(district, name="大米", price=5, stock=10)
    staff = district.user("community_worker")
    codes = [Account.objects.get(household=hh).code for hh in households]

    def redeem(code: str):
        return lambda: redemption_make(
            actor=staff, goods_id=goods.pk, household_code=code, channel=Channel.COUNTER
        )

    calls = [redeem(codes[i % len(codes)]) for i in range(50)]
    results = race(*calls)
    wins = [r for r in results if not isinstance(r, BaseException)]
    losses = [r for r in results if isinstance(r, BaseException)]
    assert len(wins) == 10, results
    for err in losses:
        assert isinstance(err, ApplicationError), repr(err)
        assert err.status == 409 and "库存不足" in err.message, err.message
    assert Goods.objects.get(pk=goods.pk).stock == 0
    assert Redemption.objects.filter(goods=goods).count() == 10
    assert not Account.objects.filter(kind=AccountKind.HOUSEHOLD, balance__lt=0).exists()
    shop = Account.objects.get(kind=AccountKind.SHOP)
    assert shop.balance == 50 == sum(Leg.objects.filter(account=shop).values_list("amount", flat=True))
