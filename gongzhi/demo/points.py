"""Demo: a points scheme (积分制管理) through the points services. The district's rules (人居环境、清理三大堆、
义务出工、移风易俗、文明新风, an award from confirmed volunteer hours, two deductions) and a community
variant; in the first community a year of weekly review meetings (民主评议; four weeks in the second) deciding grid workers'
finds — most approved, some changed with the reason, some rejected — each approved claim posted on the
ledger; a shop of 17 kinds of prizes per community, restocked and redeemed, with a unit's donation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from gongzhi.accounts.models import RoleAssignment, User
from gongzhi.core.roles import Role
from gongzhi.demo.cobuild import _secretary
from gongzhi.demo.population import TODAY
from gongzhi.people.models import Person
from gongzhi.places.enums import GridKind
from gongzhi.places.models import Community, Grid, Household
from gongzhi.points.enums import Channel, Evidence, Outcome, RuleCategory, RuleSource, RuleUnit
from gongzhi.points.services.claims import ClaimInput, claim_decide, claim_propose, meeting_record
from gongzhi.points.services.harvest import claims_harvest
from gongzhi.points.services.review import claims_approve_batch
from gongzhi.points.services.rules import RuleInput, rule_create
from gongzhi.points.services.shop import goods_create, goods_donate, redemption_make

# code, name, direction, category, min, max, unit, evidence, yearly cap
RULES: list[tuple[str, str, str, str, int, int, str, str, int]] = [
    (
        "HJ01",
        "门前三包、庭院整洁",
        "award",
        RuleCategory.ENVIRONMENT,
        2,
        5,
        RuleUnit.PER_TIME,
        Evidence.PHOTO,
        60,
    ),
    (
        "HJ02",
        "清理“三大堆”（柴草堆、粪土堆、垃圾堆）",
        "award",
        RuleCategory.THREE_HEAPS,
        5,
        10,
        RuleUnit.PER_TIME,
        Evidence.PHOTO,
        50,
    ),
    ("YW01", "参加义务出工", "award", RuleCategory.LABOUR, 5, 5, RuleUnit.PER_DAY, Evidence.WITNESS, 0),
    (
        "YF01",
        "红白事简办、移风易俗",
        "award",
        RuleCategory.CUSTOMS,
        10,
        20,
        RuleUnit.PER_TIME,
        Evidence.WITNESS,
        40,
    ),
    (
        "WM01",
        "好人好事、邻里互助",
        "award",
        RuleCategory.CONDUCT,
        2,
        10,
        RuleUnit.PER_TIME,
        Evidence.NONE,
        80,
    ),
    (
        "WM02",
        "“五好家庭”“文明家庭”评选",
        "award",
        RuleCategory.CONDUCT,
        20,
        30,
        RuleUnit.PER_HOUSEHOLD,
        Evidence.NONE,
        30,
    ),
    (
        "ZY01",
        "志愿服务（已确认时长，每小时）",
        "award",
        RuleCategory.VOLUNTEER,
        2,
        2,
        RuleUnit.PER_TIME,
        Evidence.NONE,
        0,
    ),
    (
        "KF01",
        "乱堆乱放、占道经营",
        "deduct",
        RuleCategory.ENVIRONMENT,
        2,
        5,
        RuleUnit.PER_TIME,
        Evidence.PHOTO,
        0,
    ),
    (
        "KF02",
        "焚烧秸秆、垃圾",
        "deduct",
        RuleCategory.THREE_HEAPS,
        5,
        10,
        RuleUnit.PER_TIME,
        Evidence.PHOTO,
        0,
    ),
]
# The 17 kinds of prizes (name, unit, price, stock, yearly limit per household).
PRIZES: list[tuple[str, str, int, int, int]] = [
    ("食用油5升", "桶", 60, 20, 2),
    ("大米10斤", "袋", 40, 30, 3),
    ("面粉10斤", "袋", 35, 30, 3),
    ("鸡蛋30枚", "盒", 25, 40, 4),
    ("洗衣液", "瓶", 15, 50, 0),
    ("洗洁精", "瓶", 8, 60, 0),
    ("洗衣粉", "袋", 10, 50, 0),
    ("香皂", "块", 4, 100, 0),
    ("牙膏", "支", 6, 80, 0),
    ("毛巾", "条", 6, 80, 0),
    ("卷纸", "提", 12, 50, 0),
    ("酱油", "瓶", 8, 40, 0),
    ("食醋", "瓶", 6, 40, 0),
    ("食盐", "袋", 3, 100, 0),
    ("保温杯", "个", 30, 20, 1),
    ("雨伞", "把", 20, 20, 1),
    ("扫帚簸箕", "套", 12, 30, 1),
]
WEEKS = 52
CLAIMS_PER_MEETING = 3
DEMO_COMMUNITIES = 2


def _grid_worker(grid: Grid) -> User | None:
    ra = (
        RoleAssignment.objects.filter(
            role__in=(Role.GRID_WORKER, Role.GRID_HEAD), place_code=grid.code, active=True
        )
        .order_by("id")
        .first()
    )
    return ra.user if ra else None


def seed_points(seeder: Any) -> dict[str, int]:
    rng = seeder.gen.rng
    communities = list(Community.objects.order_by("code"))
    if not communities:
        return {"rules": 0, "claims": 0, "generated": 0, "redemptions": 0, "goods": 0}
    district_code = communities[0].code[:6]
    year_start = dt.date(TODAY.year - 1, 1, 1)
    rules = {}
    for code, name, direction, category, low, high, unit, evidence, cap in RULES:
        rules[code] = rule_create(
            actor=None,
            district_code=district_code,
            data=RuleInput(
                code=code,
                name=name,
                direction=direction,
                category=category,
                points_min=low,
                points_max=high,
                unit=unit,
                evidence=evidence,
                yearly_cap=cap,
                valid_from=year_start,
                source=RuleSource.VOLUNTEER_HOURS if code == "ZY01" else RuleSource.MANUAL,
            ),
        )
    totals = {"rules": len(rules), "claims": 0, "generated": 0, "redemptions": 0, "goods": 0}
    manual = [r for c, r in rules.items() if c not in ("ZY01", "WM02")]
    first_grid = Grid.objects.filter(kind=GridKind.RESIDENTIAL).order_by("code").first()
    for community in communities[:DEMO_COMMUNITIES]:
        secretary = _secretary(community)
        rule_create(
            actor=secretary,
            community_id=community.pk,
            data=RuleInput(
                code="CG01",
                name=f"{community.name}村规民约：护绿护水",
                direction="award",
                category=RuleCategory.ENVIRONMENT,
                points_min=3,
                points_max=3,
                valid_from=year_start,
            ),
        )
        totals["rules"] += 1
        grids = list(Grid.objects.filter(community=community, kind=GridKind.RESIDENTIAL).order_by("code"))
        workers = [(g, _grid_worker(g)) for g in grids]
        staffed: list[tuple[Grid, User]] = [(g, w) for g, w in workers if w is not None]
        if not staffed:
            continue
        # The demo residents' households (the heads of the first grid) get points, so they can redeem.
        favourites = (
            list(
                Person.objects.filter(grid_code=first_grid.code, relation="head")
                .exclude(phone_hash="")
                .order_by("id")
                .values_list("household_id", flat=True)[:2]
            )
            if first_grid is not None and first_grid.community_id == community.pk
            else []
        )
        households = {
            g.pk: list(Household.objects.filter(grid=g).order_by("id")[:40].values_list("id", flat=True))
            for g, _w in staffed
        }
        for week in range(WEEKS if community == communities[0] else 4):
            held_on = min(year_start + dt.timedelta(days=7 * week + 3), TODAY)
            if held_on > TODAY:
                break
            meeting = meeting_record(
                actor=secretary,
                community_id=community.pk,
                held_on=held_on,
                members_present="党组织书记、村（居）委会主任、积分管理小组成员、群众代表",
                note="评议上周网格员巡查发现和群众申报的积分事项",
            )
            approve: list[int] = []
            for n in range(CLAIMS_PER_MEETING if community == communities[0] else 0):
                grid, worker = staffed[(week + n) % len(staffed)]
                pool = households[grid.pk]
                if not pool:
                    continue
                household_id = rng.choice(pool)
                if favourites and week % 2 == 0 and first_grid is not None and grid.pk == first_grid.pk:
                    household_id = favourites[week % len(favourites)]
                rule = rng.choice(manual)
                points = rng.randint(rule.points_min, rule.points_max)
                day = held_on - dt.timedelta(days=1)
                claim = claim_propose(
                    actor=worker,
                    household_id=household_id,
                    data=ClaimInput(
                        rule_id=rule.pk,
                        points=points,
                        description=f"网格员巡查发现：{rule.name}",
                        occurred_on=day,
                        witness="网格员、楼栋长" if rule.evidence == Evidence.WITNESS else "",
                    ),
                    photos=[_photo()] if rule.evidence == Evidence.PHOTO else None,
                )
                roll = rng.random()
                if roll <= 0.8 and not rule.yearly_cap and rule.direction == "award":
                    approve.append(claim.pk)  # approved with the day's list
                    totals["claims"] += 1
                    continue
                outcome, reason, changed = Outcome.APPROVE, "", None
                if roll > 0.9:
                    outcome, reason = Outcome.REJECT, "经评议，情况与申报不符"
                elif roll > 0.8 and rule.points_max > rule.points_min:
                    outcome, reason = Outcome.CHANGE, "经评议按最低分值计分"
                    changed = rule.points_min if points != rule.points_min else rule.points_max
                try:
                    claim_decide(
                        actor=secretary,
                        claim_id=claim.pk,
                        meeting_id=meeting.pk,
                        outcome=outcome,
                        points=changed,
                        reason=reason,
                    )
                except Exception as exc:  # a yearly cap reached: the meeting rejects it
                    if getattr(exc, "status", 0) != 409:
                        raise
                    claim_decide(
                        actor=secretary,
                        claim_id=claim.pk,
                        meeting_id=meeting.pk,
                        outcome=Outcome.REJECT,
                        reason="本户该项积分已达年度上限",
                    )
                totals["claims"] += 1
            if approve:
                claims_approve_batch(actor=secretary, meeting_id=meeting.pk, claim_ids=approve)
        totals["generated"] += claims_harvest(actor=secretary, community_id=community.pk)
        goods = [
            goods_create(
                actor=secretary,
                community_id=community.pk,
                name=name,
                unit_label=unit,
                price=price,
                stock=stock,
                household_limit=limit,
            )
            for name, unit, price, stock, limit in PRIZES
        ]
        totals["goods"] += len(goods)
        from gongzhi.party.models import Unit

        donor = Unit.objects.filter(community=community).order_by("pk").first()
        if donor is not None:
            goods_donate(
                actor=secretary, goods_id=goods[4].pk, quantity=20, unit_id=donor.pk, note="驻区单位爱心捐赠"
            )
        from gongzhi.points.models import Account

        rich = list(
            Account.objects.filter(community=community, kind="household", balance__gte=10)
            .exclude(household_id__in=favourites)
            .order_by("-balance")[:30]
        )
        for acc in rich:
            g = rng.choice([x for x in goods if x.price <= acc.balance])
            try:
                redemption_make(
                    actor=secretary, goods_id=g.pk, household_code=acc.code, channel=Channel.COUNTER
                )
                totals["redemptions"] += 1
            except Exception as exc:  # a limit or the stock: the counter says so and moves on
                if getattr(exc, "status", 0) not in (400, 409):
                    raise
    return totals


_PHOTO: bytes | None = None


def _photo() -> Any:
    """A small JPEG like a phone's (the services clean and re-encode it)."""
    global _PHOTO
    if _PHOTO is None:
        import io

        from PIL import Image

        buf = io.BytesIO()
        Image.new("RGB", (64, 48), (120, 160, 90)).save(buf, "JPEG")
        _PHOTO = buf.getvalue()
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("photo.jpg", _PHOTO, content_type="image/jpeg")
