"""Reads of points, with the actor's scope applied; missing and forbidden rows are the same 404.

Who sees what:
- place staff (``TICKET_READERS``: grid to district, and the auditor): rules, claims, meetings, accounts,
  the shop and its register of their places;
- a resident: the rules of their community, their household's claims, statement and redemptions;
- anyone: a community's public board (积分公示榜) and rankings, built from ``PUBLIC_BOARD_FIELDS`` with
  names masked (surname + given-name initial, or as the community chooses).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from gongzhi.core.errors import NotFound
from gongzhi.core.masking import mask_public_text
from gongzhi.core.roles import TICKET_READERS
from gongzhi.core.scope import scope_of
from gongzhi.points.enums import AccountKind, ClaimStatus, Direction, NameStyle, PostingKind, RuleSource
from gongzhi.points.models import (
    Account,
    Claim,
    Goods,
    Leg,
    PointRule,
    Posting,
    Redemption,
    ReviewMeeting,
    Scheme,
    StockMove,
)

if TYPE_CHECKING:
    from gongzhi.core.types import Actor
    from gongzhi.places.models import Household

READERS = TICKET_READERS
# The public board: these fields and nothing else leave the selector.
PUBLIC_BOARD_FIELDS = ("rank", "name", "grid", "points")
PUBLIC_RANKING_FIELDS = ("rank", "grid", "households", "points", "environment", "labour")


def _districts(actor: Actor) -> list[str]:
    scope = scope_of(actor)
    codes = {code[:6] for _r, _l, code in scope.places}
    if scope.household_ids:
        from gongzhi.places.models import Household

        codes |= set(
            Household.objects.filter(pk__in=sorted(scope.household_ids)).values_list(
                "district_code", flat=True
            )
        )
    return sorted(codes)


def _own_communities(actor: Actor) -> list[str]:
    from gongzhi.places.models import Household

    ids = sorted(scope_of(actor).household_ids)
    return list(Household.objects.filter(pk__in=ids).values_list("community_code", flat=True)) if ids else []


def rule_list_for_actor(
    *, actor: Actor, community_code: str = "", in_force_on: dt.date | None = None
) -> QuerySet[PointRule]:
    scope = scope_of(actor)
    q = scope.place_q(READERS) | Q(community_code__in=_own_communities(actor))
    q |= Q(community_code="", district_code__in=_districts(actor))
    qs = PointRule.objects.filter(q)
    if community_code:
        qs = qs.filter(
            Q(community_code=community_code) | Q(community_code="", district_code=community_code[:6])
        )
    if in_force_on is not None:
        qs = qs.filter(valid_from__lte=in_force_on).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=in_force_on)
        )
    return qs.order_by("community_code", "code", "-version")


def rule_get_for_actor(*, actor: Actor, rule_id: int) -> PointRule:
    rule = rule_list_for_actor(actor=actor).filter(pk=rule_id).select_related("community").first()
    if rule is None:
        raise NotFound()
    return rule


def rule_versions(rule: PointRule) -> list[PointRule]:
    """Every version of the rule's code in its place, newest first."""
    return list(
        PointRule.objects.filter(
            district_code=rule.district_code, community_code=rule.community_code, code=rule.code
        ).order_by("-version")
    )


def rules_to_report(*, actor: Actor) -> list[PointRule]:
    """The manual rules in force today that a resident may report under (their community's and district's)."""
    own = _own_communities(actor)
    if not own:
        return []
    today = timezone.localdate()
    return list(
        rule_list_for_actor(actor=actor, community_code=own[0], in_force_on=today).filter(
            source=RuleSource.MANUAL, direction=Direction.AWARD
        )
    )


def point_claim_list_for_actor(
    *, actor: Actor, status: str = "", community_code: str = "", limit: int | None = 200
) -> QuerySet[Claim]:
    scope = scope_of(actor)
    q = scope.place_q(READERS) | Q(reported_by_id=actor.pk)
    if scope.household_ids:
        q |= Q(household_id__in=sorted(scope.household_ids))
    qs = Claim.objects.filter(q)
    if status:
        qs = qs.filter(status=status)
    if community_code:
        qs = qs.filter(community_code=community_code)
    qs = qs.select_related("rule", "household", "meeting").prefetch_related("photos").order_by("-id")
    return qs[:limit] if limit else qs


def point_claim_get_for_actor(*, actor: Actor, claim_id: int) -> Claim:
    claim = point_claim_list_for_actor(actor=actor, limit=None).filter(pk=claim_id).first()
    if claim is None:
        raise NotFound()
    return claim


def meeting_list_for_actor(*, actor: Actor, limit: int = 60) -> list[ReviewMeeting]:
    scope = scope_of(actor)
    return list(
        ReviewMeeting.objects.filter(scope.place_q(READERS))
        .annotate(decided=Count("claims"))
        .select_related("community")
        .order_by("-held_on", "-id")[:limit]
    )


def goods_list_for_actor(
    *, actor: Actor, community_code: str = "", active: bool | None = None
) -> QuerySet[Goods]:
    scope = scope_of(actor)
    qs = Goods.objects.filter(scope.place_q(READERS) | Q(community_code__in=_own_communities(actor)))
    if community_code:
        qs = qs.filter(community_code=community_code)
    if active is not None:
        qs = qs.filter(active=active)
    return qs.select_related("community").order_by("community_code", "price", "id")


def goods_get_for_actor(*, actor: Actor, goods_id: int) -> Goods:
    goods = goods_list_for_actor(actor=actor).filter(pk=goods_id).first()
    if goods is None:
        raise NotFound()
    return goods


def stock_move_list_for_actor(*, actor: Actor, goods_id: int) -> list[StockMove]:
    goods = goods_get_for_actor(actor=actor, goods_id=goods_id)
    return list(goods.moves.select_related("made_by").order_by("-id")[:100])


def redemption_list_for_actor(
    *, actor: Actor, community_code: str = "", year: int | None = None, limit: int | None = 500
) -> QuerySet[Redemption]:
    scope = scope_of(actor)
    q = scope.place_q(READERS)
    if scope.household_ids:
        q |= Q(household_id__in=sorted(scope.household_ids))
    qs = Redemption.objects.filter(q)
    if community_code:
        qs = qs.filter(community_code=community_code)
    if year:
        qs = qs.filter(created_at__year=year)
    qs = qs.select_related("goods", "household", "made_by").order_by("-id")
    return qs[:limit] if limit else qs


def redemption_get_for_actor(*, actor: Actor, redemption_id: int) -> Redemption:
    r = redemption_list_for_actor(actor=actor, limit=None).filter(pk=redemption_id).first()
    if r is None:
        raise NotFound()
    return r


def own_household(actor: Actor) -> Household | None:
    from gongzhi.places.models import Household

    ids = sorted(scope_of(actor).household_ids)
    return Household.objects.filter(pk__in=ids).select_related("grid__community").first() if ids else None


def household_statement(*, actor: Actor, household_id: int, limit: int = 100) -> dict[str, Any]:
    """A household's account: balance, code (for the counter), and its legs newest first."""
    from gongzhi.places.models import Household

    scope = scope_of(actor)
    household = Household.objects.filter(scope.population_q(household_field="id"), pk=household_id).first()
    if household is None:
        raise NotFound()
    account = Account.objects.filter(household=household).first()
    legs = (
        list(
            Leg.objects.filter(account=account)
            .select_related("posting")
            .order_by("-posting__posted_at", "-id")[:limit]
        )
        if account
        else []
    )
    return {
        "household": household,
        "account": account,
        "balance": account.balance if account else 0,
        "legs": legs,
    }


def account_list_for_actor(*, actor: Actor, community_code: str = "", limit: int = 200) -> list[Account]:
    scope = scope_of(actor)
    qs = Account.objects.filter(scope.place_q(READERS))
    if community_code:
        qs = qs.filter(community_code=community_code)
    return list(qs.select_related("household", "community").order_by("kind", "-balance", "id")[:limit])


def _ledger_q(actor: Actor) -> Q:
    """Postings of the communities whose accounts the actor reads (a posting carries no grid code)."""
    scope = scope_of(actor)
    if scope.superuser:
        return Q()
    return Q(community_code__in=Account.objects.filter(scope.place_q(READERS)).values("community_code"))


def posting_list_for_actor(
    *, actor: Actor, community_code: str = "", before_seq: int | None = None, limit: int = 100
) -> list[Posting]:
    """The journal (分录流水) of a community, newest first, with each posting's legs and whether it has been
    reversed (``is_reversed``)."""
    qs = Posting.objects.filter(_ledger_q(actor))
    if community_code:
        qs = qs.filter(community_code=community_code)
    if before_seq:
        qs = qs.filter(seq__lt=before_seq)
    legs = Leg.objects.select_related("account", "account__household").order_by("amount", "id")
    return list(
        qs.select_related("rule", "posted_by")
        .prefetch_related(Prefetch("legs", queryset=legs))
        .annotate(is_reversed=Exists(Posting.objects.filter(reverses=OuterRef("pk"))))
        .order_by("community_code", "-seq")[:limit]
    )


def posting_get_for_actor(*, actor: Actor, posting_id: int) -> Posting:
    posting = Posting.objects.filter(_ledger_q(actor), pk=posting_id).first()
    if posting is None:
        raise NotFound()
    return posting


def _display_name(name: str, initials: str, style: str) -> str:
    name = (name or "").strip()
    if not name:
        return "—"
    if style == NameStyle.SURNAME_ONLY or len(name) < 2:
        return name[0] + "**"
    initial = (initials[1:2] if len(initials) >= 2 else "").upper() or "*"
    return f"{name[0]}{initial}"


def _heads(household_ids: list[int]) -> dict[int, tuple[str, str]]:
    from gongzhi.people.models import Person

    out: dict[int, tuple[str, str]] = {}
    rows = Person.objects.filter(household_id__in=household_ids).order_by("household_id", "id")
    for hid, name, initials, relation in rows.values_list(
        "household_id", "name", "name_initials", "relation"
    ):
        if hid not in out or relation == "head":
            out[hid] = (name, initials)
    return out


def public_board(*, community_code: str, limit: int = 50) -> list[dict[str, Any]]:
    """积分公示榜: households of the community by points awarded this year (no ids, no doors, no full names)."""
    from gongzhi.places.models import Community

    if not Community.objects.filter(code=community_code).exists():
        raise NotFound()
    year = timezone.localdate().year
    scheme = Scheme.objects.filter(community_code=community_code).first()
    style = scheme.name_style if scheme else NameStyle.SURNAME_INITIAL
    rows = list(
        Leg.objects.filter(
            account__community_code=community_code,
            account__kind=AccountKind.HOUSEHOLD,
            posting__kind__in=(PostingKind.AWARD, PostingKind.DEDUCT, PostingKind.REVERSAL),
            posting__posted_at__year=year,
        )
        .values("account__household_id", "account__household__grid__name")
        .annotate(points=Sum("amount"))
        .order_by("-points", "account__household_id")[:limit]
    )
    heads = _heads([r["account__household_id"] for r in rows])
    out = []
    for i, r in enumerate(rows, start=1):
        name, initials = heads.get(r["account__household_id"], ("", ""))
        record = {
            "rank": i,
            "name": _display_name(name, initials, style),
            "grid": mask_public_text(r["account__household__grid__name"] or ""),
            "points": int(r["points"] or 0),
        }
        out.append({k: record[k] for k in PUBLIC_BOARD_FIELDS})
    return out


def grid_rankings(*, community_codes: list[str]) -> list[dict[str, Any]]:
    """比积分、比环境、比义务工: each grid's points this year, its environment points and its labour and
    volunteer claims (counts), ranked by points."""
    from gongzhi.places.models import Grid

    year = timezone.localdate().year
    claims = (
        Claim.objects.filter(
            community_code__in=community_codes,
            status__in=(ClaimStatus.APPROVED, ClaimStatus.CHANGED),
            occurred_on__year=year,
        )
        .values("grid_code")
        .annotate(
            points=Sum("final_points", filter=Q(rule__direction=Direction.AWARD)),
            environment=Sum("final_points", filter=Q(rule__category__in=("environment", "three_heaps"))),
            labour=Sum("quantity", filter=Q(rule__category__in=("labour", "volunteer"))),
            households=Count("household_id", distinct=True),
        )
    )
    by_grid = {r["grid_code"]: r for r in claims}
    grids = Grid.objects.filter(community__code__in=community_codes).values_list("code", "name")
    rows: list[dict[str, Any]] = []
    for code, name in grids:
        r = by_grid.get(code, {})
        rows.append(
            {
                "grid": name,
                "households": r.get("households") or 0,
                "points": r.get("points") or 0,
                "environment": r.get("environment") or 0,
                "labour": r.get("labour") or 0,
            }
        )
    rows.sort(key=lambda r: (-int(r["points"]), str(r["grid"])))
    return [{k: {**r, "rank": i}[k] for k in PUBLIC_RANKING_FIELDS} for i, r in enumerate(rows, start=1)]


def points_counts() -> dict[str, int]:
    """The overview's ``points`` figures, counted from the records."""
    year = timezone.localdate().year
    awarded = Leg.objects.filter(
        account__kind=AccountKind.HOUSEHOLD, posting__kind=PostingKind.AWARD, posting__posted_at__year=year
    ).aggregate(s=Sum("amount"))["s"]
    redeemed = Redemption.objects.filter(created_at__year=year).aggregate(s=Sum("points"))["s"]
    return {
        "rules": PointRule.objects.count(),
        "households_with_points": Account.objects.filter(kind=AccountKind.HOUSEHOLD, balance__gt=0).count(),
        "points_awarded_this_year": int(awarded or 0),
        "points_redeemed_this_year": int(redeemed or 0),
        "shop_items": Goods.objects.filter(active=True).count(),
    }
