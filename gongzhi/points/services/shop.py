"""Writes of the points shop (积分超市): goods, restocking, stock-taking with the difference recorded,
donations of goods (recorded as resources of the three lists) and redemptions — on H5 by the resident
for their household, or at the counter by staff who scan the household's code. A redemption moves stock
and points in one transaction: the goods row is locked first (so the last items go to exactly as many
households as there are items), then the household's account; never oversold, never below zero."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from gongzhi.core.permissions import require
from gongzhi.core.scope import scope_of
from gongzhi.points.enums import AccountKind, Channel, PostingKind, StockMoveKind
from gongzhi.points.models import Account, Goods, Redemption, StockMove
from gongzhi.points.services._validation import _text, _whole, raise_errors
from gongzhi.points.services.ledger import community_account, household_account, post_entry

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

MAX_STOCK = 1_000_000


@transaction.atomic
def goods_create(
    *,
    actor: Actor | None,
    community_id: int,
    name: str,
    price: Any,
    stock: Any = 0,
    household_limit: Any = 0,
    unit_label: str = "件",
) -> Goods:
    from gongzhi.places.models import Community

    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        raise ValidationFailed(gettext("请选择社区"), fields={"community_id": gettext("社区不存在")})
    require(
        actor, "points.manage_shop", community, error=Forbidden(gettext("只有社区工作人员可以管理积分超市"))
    )
    errors: dict[str, str] = {}
    goods = Goods(
        community=community,
        name=_text(errors, "name", name, gettext("商品名称"), 60),
        unit_label=_text(errors, "unit_label", unit_label, gettext("单位"), 8),
        price=_whole(errors, "price", price, gettext("兑换积分"), 1),
        stock=_whole(errors, "stock", stock, gettext("库存"), 0, MAX_STOCK),
        household_limit=_whole(errors, "household_limit", household_limit, gettext("每户限兑"), 0, 1000),
    )
    raise_errors(errors)
    if Goods.objects.filter(community=community, name=goods.name, active=True).exists():
        raise ValidationFailed(gettext("本社区已有同名商品"), fields={"name": gettext("本社区已有同名商品")})
    goods.set_place_codes(community_code=community.code)
    goods.save()
    audit_record(
        actor=actor,
        target=goods,
        event="points.goods_created",
        data={"price": goods.price, "stock": goods.stock},
    )
    return goods


def _goods_locked(actor: Actor | None, goods_id: Any, perm: str = "points.manage_shop") -> Goods:
    try:
        pk = int(goods_id)
    except (TypeError, ValueError):
        pk = 0
    goods = Goods.objects.select_for_update().filter(pk=pk).first() if pk else None
    if goods is None:
        raise NotFound(gettext("商品不存在"))
    if perm:
        require(actor, perm, goods)
    return goods


def _move(actor: Actor | None, goods: Goods, kind: str, quantity: int, **extra: Any) -> StockMove:
    move = StockMove(
        goods=goods, kind=kind, quantity=quantity, made_by_id=getattr(actor, "pk", None), **extra
    )
    move.set_place_codes(community_code=goods.community_code)
    move.save()
    return move


@transaction.atomic
def goods_restock(*, actor: Actor | None, goods_id: Any, quantity: Any, note: str = "") -> StockMove:
    goods = _goods_locked(actor, goods_id)
    errors: dict[str, str] = {}
    n = _whole(errors, "quantity", quantity, gettext("入库数量"), 1, MAX_STOCK)
    note = _text(errors, "note", note, gettext("说明"), 200, required=False)
    raise_errors(errors)
    Goods.objects.filter(pk=goods.pk).update(stock=F("stock") + n)
    move = _move(actor, goods, StockMoveKind.RESTOCK, n, note=note)
    audit_record(actor=actor, target=goods, event="points.goods_restocked", data={"quantity": n})
    return move


@transaction.atomic
def goods_stocktake(*, actor: Actor | None, goods_id: Any, counted: Any, note: str = "") -> StockMove:
    """盘点: the counted quantity becomes the stock; the difference is recorded (and needs a note)."""
    goods = _goods_locked(actor, goods_id)
    errors: dict[str, str] = {}
    n = _whole(errors, "counted", counted, gettext("实盘数量"), 0, MAX_STOCK)
    note = _text(errors, "note", note, gettext("差异说明"), 200, required=False)
    if "counted" not in errors and n != goods.stock and not note:
        errors["note"] = gettext("实盘数量与账面不符，请填写差异说明")
    raise_errors(errors)
    move = _move(
        actor, goods, StockMoveKind.STOCKTAKE, n - goods.stock, expected=goods.stock, counted=n, note=note
    )
    Goods.objects.filter(pk=goods.pk).update(stock=n)
    audit_record(
        actor=actor,
        target=goods,
        event="points.goods_stocktaken",
        data={"expected": goods.stock, "counted": n},
    )
    return move


@transaction.atomic
def goods_donate(*, actor: Actor, goods_id: Any, quantity: Any, unit_id: Any, note: str = "") -> StockMove:
    """A unit donates goods by units: the stock grows and the donation is a resource of the three lists
    (物资, registered through the co-building services)."""
    from gongzhi.cobuild.enums import ProviderKind, ResourceKind
    from gongzhi.cobuild.services.resources import ResourceInput, resource_register

    goods = _goods_locked(actor, goods_id)
    errors: dict[str, str] = {}
    n = _whole(errors, "quantity", quantity, gettext("捐赠数量"), 1, MAX_STOCK)
    note = _text(errors, "note", note, gettext("说明"), 200, required=False)
    raise_errors(errors)
    try:
        provider = int(unit_id)
    except (TypeError, ValueError):
        provider = 0
    resource = resource_register(
        actor=actor,
        community_id=goods.community_id,
        provider_kind=ProviderKind.UNIT,
        provider_id=provider,
        data=ResourceInput(
            title=f"捐赠积分超市：{goods.name}{n}{goods.unit_label}"[:100],
            kind=ResourceKind.GOODS,
            categories=["goods"],
            description=note,
            capacity=1,
        ),
    )
    Goods.objects.filter(pk=goods.pk).update(stock=F("stock") + n)
    move = _move(
        actor, goods, StockMoveKind.DONATION, n, note=note, donor=resource.provider_name, resource=resource
    )
    audit_record(
        actor=actor, target=goods, event="points.goods_donated", data={"quantity": n, "resource": resource.pk}
    )
    return move


def _receipt_number(community_code: str) -> str:
    return f"DH{timezone.localdate():%Y%m%d}{secrets.token_hex(4).upper()}"


@transaction.atomic
def redemption_make(
    *, actor: Actor, goods_id: Any, quantity: Any = 1, household_code: str = "", channel: str = Channel.H5
) -> Redemption:
    """兑换. On H5 (``channel="h5"``) for the actor's own household; at the counter (``"counter"``) for the
    household whose code the staff member scanned."""
    errors: dict[str, str] = {}
    n = _whole(errors, "quantity", quantity, gettext("兑换数量"), 1, 100)
    raise_errors(errors)
    goods = _goods_locked(actor, goods_id, perm="")
    if channel == Channel.COUNTER:
        code = (household_code or "").strip().upper()
        target = (
            Account.objects.filter(code=code, kind=AccountKind.HOUSEHOLD).select_related("household").first()
        )
        if not code or target is None or target.community_id != goods.community_id:
            raise ValidationFailed(
                gettext("兑换码无效或不是本社区的家庭"), fields={"household_code": gettext("兑换码无效")}
            )
        require(
            actor,
            "points.serve_counter",
            target.household,
            error=Forbidden(gettext("只有本社区工作人员可以柜台兑换")),
        )
        household = target.household
    elif channel == Channel.H5:
        from gongzhi.places.models import Household

        own = sorted(scope_of(actor).household_ids)
        household = Household.objects.filter(pk__in=own, community_code=goods.community_code).first()
        if household is None:
            raise NotFound(gettext("商品不存在"))
    else:
        raise ValidationFailed(gettext("兑换方式无法识别"), fields={"channel": gettext("兑换方式无法识别")})
    assert household is not None
    if not goods.active:
        raise Conflict(gettext("“%(name)s”已下架") % {"name": goods.name})
    if goods.stock < n:
        raise Conflict(
            gettext("“%(name)s”库存不足（剩余%(stock)s%(unit_label)s），兑换未成功")
            % {"name": goods.name, "stock": goods.stock, "unit_label": goods.unit_label}
        )
    if goods.household_limit:
        had = (
            Redemption.objects.filter(
                goods=goods, household=household, created_at__year=timezone.localdate().year
            ).aggregate(s=Sum("quantity"))["s"]
            or 0
        )
        if had + n > goods.household_limit:
            raise ValidationFailed(
                gettext(
                    "“%(name)s”每户每年限兑%(household_limit)s%(unit_label)s，本户已兑%(had)s%(unit_label)s"
                )
                % {
                    "name": goods.name,
                    "household_limit": goods.household_limit,
                    "unit_label": goods.unit_label,
                    "had": had,
                },
                fields={"quantity": gettext("超过每户限兑数量")},
            )
    cost = goods.price * n
    account = household_account(household, lock=True)
    if account.balance < cost:
        raise Conflict(
            gettext("积分余额不足：需要%(cost)s分，当前%(balance)s分")
            % {"cost": cost, "balance": account.balance}
        )
    shop = community_account(goods.community, AccountKind.SHOP)
    posting = post_entry(
        actor=actor,
        community_code=goods.community_code,
        kind=PostingKind.REDEEM,
        memo=f"兑换{goods.name}×{n}"[:200],
        legs=[(account, -cost), (shop, cost)],
    )
    Goods.objects.filter(pk=goods.pk).update(stock=F("stock") - n)
    redemption = Redemption(
        number=_receipt_number(goods.community_code),
        goods=goods,
        household=household,
        quantity=n,
        points=cost,
        channel=channel,
        made_by_id=actor.pk,
        posting=posting,
    )
    redemption.set_place_codes(grid_code=household.grid_code)
    redemption.save()
    _move(actor, goods, StockMoveKind.REDEEM, -n, redemption=redemption)
    audit_record(
        actor=actor,
        target=redemption,
        event="points.redeemed",
        data={"goods": goods.name, "quantity": n, "points": cost, "channel": channel},
    )
    return redemption
