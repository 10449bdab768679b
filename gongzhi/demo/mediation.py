"""Demo: a year of people's mediation, through the mediation services. Every community has its
committee, a mediation room and mediators (old party members, grid workers, a lawyer); each subdistrict
a committee, the first one a professional property-dispute team. 卜哥调解室 in the first community
mediated 17 disputes, every one ending in an agreement (seed 001). The other communities' cases come
from realistic disputes (upstairs leaks, noise, pets, parking, inheritance, wages) with sessions,
agreements (a few broken), no agreements, a few transfers (三调联动) and one case reported up; a few
neighbour-dispute tickets of the loop are transferred in and close with their cases. Weekly screenings,
half-monthly joint analyses, the registers' visitors and consultations, and the warnings computed from
the demo tickets (a building of repeat complaints and a group of households on one noise problem are
reported through the ticket services first)."""

from __future__ import annotations

import datetime as dt
import time
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from gongzhi.demo.population import TODAY
from gongzhi.mediation.enums import CaseSource, CommitteeLevel, DisputeKind, MediatorKind, Side, TransferKind
from gongzhi.mediation.models import Case
from gongzhi.mediation.services import cases, outcomes, registers, warnings
from gongzhi.mediation.services.organisation import committee_create, mediator_add, room_create
from gongzhi.places.enums import GridKind
from gongzhi.places.models import Community, Grid, Subdistrict
from gongzhi.venues.enums import VenueKind
from gongzhi.venues.models import Venue

if TYPE_CHECKING:
    from gongzhi.demo.seed import DemoSeeder

BUGE_CASES = 17
CASES_PER_COMMUNITY = 5
SCREENING_WEEKS = 1
ANALYSES_PER_COMMUNITY = 2

# kind → (title, facts, amount, terms, performance)
DISPUTES: list[tuple[str, str, str, int | None, str, str]] = [
    (
        DisputeKind.NEIGHBOURS,
        "楼上漏水致楼下天花板受损",
        "楼上卫生间防水层老化，渗水导致楼下天花板、墙面发霉脱落，双方就维修和赔偿协商未果。",
        3000,
        "楼上负责重做卫生间防水，并赔偿楼下墙面修复费用",
        "15日内完成防水施工，修复费用当面现金支付",
    ),
    (
        DisputeKind.NEIGHBOURS,
        "装修噪音扰民",
        "楼上装修周末及午休时间施工，噪音影响楼下老人休息，多次沟通未果。",
        None,
        "装修方承诺工作日8:00-12:00、14:00-18:00施工，周末不施工",
        "即日起执行，网格员不定期回访",
    ),
    (
        DisputeKind.NEIGHBOURS,
        "宠物狗夜间吠叫",
        "邻居饲养大型犬，夜间频繁吠叫，并在楼道便溺，邻居不满引发争吵。",
        None,
        "养犬人夜间将犬只安置室内，外出牵绳并及时清理粪便",
        "即日起执行",
    ),
    (
        DisputeKind.PROPERTY,
        "车位被长期占用",
        "业主固定车位被他人长期占用，物业劝离无效，双方发生口角。",
        None,
        "占用方停止占用并向车位业主道歉，物业加装车位地锁",
        "3日内完成",
    ),
    (
        DisputeKind.FAMILY,
        "父母房产继承分歧",
        "兄妹三人对已故父母遗留住房的继承份额存在分歧，关系紧张。",
        450000,
        "房屋由长子继承，长子分别补偿两个妹妹各十二万元",
        "6个月内分两期支付，办理继承公证",
    ),
    (
        DisputeKind.LABOUR,
        "装修工人工资拖欠",
        "包工头拖欠6名装修工人工资共计三万余元，工人到社区求助。",
        32000,
        "包工头分两次付清拖欠工资",
        "本月底前支付一半，下月15日前付清",
    ),
    (
        DisputeKind.FAMILY,
        "赡养老人费用分担",
        "老人子女对赡养费分担意见不一，老人生活费无着落。",
        2400,
        "三名子女每人每月支付赡养费八百元，轮流照料",
        "每月5日前转账至老人账户",
    ),
    (
        DisputeKind.CONSUMER,
        "小区超市售卖过期食品",
        "居民在小区超市购买过期食品，要求十倍赔偿，超市不认可。",
        1200,
        "超市退还货款并赔偿一千元，下架全部临期商品",
        "当场支付",
    ),
    (
        DisputeKind.NEIGHBOURS,
        "楼道堆放杂物",
        "住户长期在楼道堆放纸箱杂物，邻居担心消防安全，双方争执。",
        None,
        "堆放方一周内清理楼道杂物，今后不再堆放",
        "7日内清理，网格员核实",
    ),
    (
        DisputeKind.PROPERTY,
        "物业费与服务质量争议",
        "部分业主以服务不到位为由拒交物业费，物业公司拟起诉。",
        5600,
        "物业公司整改保洁和安保服务，业主补交物业费",
        "整改一个月后业主补交",
    ),
]
FAILED_NOTE = "双方分歧较大，调解不成，已告知可申请仲裁或向人民法院起诉"
BUGE_ROOM = "卜哥调解室"


def _committees(seeder: DemoSeeder) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for sub in Subdistrict.objects.order_by("code"):
        committee_create(
            actor=None,
            name=f"{sub.name}人民调解委员会",
            short_name=f"{sub.name[:2]}街",
            level=CommitteeLevel.SUBDISTRICT,
            subdistrict_id=sub.pk,
            chair=seeder.name(),
        )
    first_sub = Subdistrict.objects.order_by("code").first()
    if first_sub is not None:
        team = committee_create(
            actor=None,
            name=f"{first_sub.name}物业纠纷专业调解团队",
            short_name=f"{first_sub.name[:2]}物",
            level=CommitteeLevel.PROFESSIONAL,
            subdistrict_id=first_sub.pk,
            speciality="物业纠纷",
        )
        mediator_add(
            actor=None,
            committee_id=team.pk,
            name=seeder.name(),
            kind=MediatorKind.LAWYER,
            speciality="物业服务合同",
        )
    for community in Community.objects.order_by("code"):
        buge = community.code == seeder.first_community
        committee = committee_create(
            actor=None,
            name=f"{community.name}人民调解委员会",
            short_name=community.name.removesuffix("社区")[:4],
            level=CommitteeLevel.COMMUNITY,
            community_id=community.pk,
            chair="卜哥" if buge else seeder.name(),
        )
        venue = (
            Venue.objects.filter(community=community, kind=VenueKind.MEDIATION_ROOM, active=True)
            .order_by("id")
            .first()
        )  # the venues register's 调解室 of the community (seed_venues runs first)
        room = room_create(
            actor=None,
            committee_id=committee.pk,
            name=BUGE_ROOM if buge else f"{community.name.removesuffix('社区')}和事佬调解室",
            place=venue.address if venue else f"{community.name}党群服务中心一楼",
            venue_id=venue.pk if venue else None,
            hours="工作日 8:30-17:30",
            standards=[
                "sign",
                "room",
                "stamp",
                "rules",
                "wall_org",
                "wall_rules",
                "wall_process",
                "wall_members",
            ]
            if buge
            else ["sign", "room", "stamp", "rules"],
        )
        mediators = [
            mediator_add(
                actor=None,
                committee_id=committee.pk,
                name="卜哥" if buge else seeder.name(),
                kind=MediatorKind.ELDER,
                speciality="邻里纠纷、家庭矛盾",
            ),
            mediator_add(
                actor=None,
                committee_id=committee.pk,
                name=seeder.name(),
                kind=MediatorKind.GRID_WORKER,
                speciality="邻里纠纷",
            ),
            mediator_add(
                actor=None,
                committee_id=committee.pk,
                name=seeder.name(),
                kind=MediatorKind.LAWYER,
                speciality="婚姻家庭、劳动争议",
                legal_service=True,
            ),
        ]
        out[community.code] = (committee, room, mediators)
    return out


def _persons(community_code: str, n: int) -> list[int]:
    from gongzhi.people.models import Person

    return list(
        Person.objects.filter(community_code=community_code, relation="head")
        .order_by("id")
        .values_list("id", flat=True)[:n]
    )


def _case(
    seeder: DemoSeeder,
    org: Any,
    person_id: int | None,
    day: dt.date,
    dispute: tuple,
    *,
    ticket_id: int | None = None,
    source: str = CaseSource.VISIT,
) -> Case:
    committee, room, _mediators = org
    kind, title, facts, amount, _terms, _perf = dispute
    parties = [
        cases.DisputantInput(side=Side.APPLICANT, person_id=person_id)
        if person_id
        else cases.DisputantInput(side=Side.APPLICANT, name=seeder.name(), phone=seeder.gen.phone()),
        cases.DisputantInput(side=Side.RESPONDENT, name=seeder.name(), phone=seeder.gen.phone()),
    ]
    return cases.case_register(
        actor=None,
        committee_id=committee.pk,
        data=cases.CaseInput(
            source=source,
            kind=kind,
            title=title,
            facts=facts,
            amount=amount,
            room_id=room.pk,
            registered_on=day,
            disputants=parties,
        ),
        ticket_id=ticket_id,
    )


def _mediate(case: Case, org: Any, day: dt.date, sessions: int = 1) -> dt.date:
    _committee, room, mediators = org
    cases.case_admit(actor=None, case_id=case.pk, mediator_ids=[m.pk for m in mediators[:2]], on=day)
    for i in range(sessions):
        day = day + dt.timedelta(days=2 + i * 3)
        cases.session_record(
            actor=None,
            case_id=case.pk,
            held_on=day,
            place=room.name,  # at the room, so at its venue (session_record takes the room's)
            attendees=f"双方当事人、{mediators[0].name}、{mediators[1].name}",
            record="调解员分别听取双方陈述，释法明理，引导双方换位思考。"
            if i == 0
            else "再次组织双方面对面协商，就具体方案逐项确认。",
            next_step="拟定调解协议" if i == sessions - 1 else "约定下次调解时间",
        )
    return day


def _agree(case: Case, dispute: tuple, day: dt.date, *, kept: bool = True) -> None:
    _kind, _title, _facts, _amount, terms, performance = dispute
    outcomes.case_agree(actor=None, case_id=case.pk, terms=terms, performance=performance, on=day)
    # a broken agreement is found at a recent follow-up (the week's warning reads it)
    follow = (
        day + dt.timedelta(days=10) if kept else max(day, registers.week_of(TODAY) - dt.timedelta(days=5))
    )
    outcomes.case_follow_up(
        actor=None,
        case_id=case.pk,
        kept=kept,
        # never after the real today, never before the agreement (a transferred ticket's case may come
        # after the population's fixed TODAY: the tickets run on the real clock)
        on=max(day, min(follow, timezone.localdate())),
        note="经回访，双方均已按协议履行" if kept else "回访发现一方未按约定履行",
    )
    if kept:
        outcomes.case_close(actor=None, case_id=case.pk, satisfaction="satisfied", note="双方对调解结果满意")


def _transfer_tickets(seeder: DemoSeeder, orgs: dict[str, Any], start: dt.date) -> int:
    """A few neighbour-dispute tickets of the loop transferred into mediation, closed with their cases."""
    from gongzhi.tickets.enums import HANDLING
    from gongzhi.tickets.models import Ticket

    # reported at least three weeks before the real today (the tickets run on the real clock): the case's
    # sittings, agreement and follow-up fall between its registration and today
    tickets = list(
        Ticket.objects.filter(
            category__code__startswith="302",
            status__in=list(HANDLING),
            created_at__lte=timezone.now() - dt.timedelta(days=21),
        ).order_by("id")[:4]
    )
    for i, t in enumerate(tickets):
        org = orgs.get(t.community_code)
        if org is None:
            continue
        dispute = DISPUTES[i % 3]
        case = _case(seeder, org, None, max(start, t.created_at.date()), dispute, ticket_id=t.pk)
        if i < 3:
            day = _mediate(case, org, case.registered_on)
            _agree(case, dispute, day)
    return len(tickets)


def _warning_tickets(seeder: DemoSeeder, monday: dt.date) -> None:
    """Residents of one building complain of leaks three times in a month; ten households of one community
    report the same construction noise: reported through the ticket services, as residents would."""
    from gongzhi.people.models import Person
    from gongzhi.people.services import resident_account_for_phone
    from gongzhi.tickets import services as svc

    community = Community.objects.order_by("code").first()
    if community is None:
        return
    heads = list(
        Person.objects.filter(
            community_code=community.code, relation="head", household__building__isnull=False
        )
        .exclude(phone_hash="")
        .select_related("household")
        .order_by("household__building_id", "id")[:400]
    )
    by_building: dict[int, list[Any]] = {}
    for p in heads:
        building_id = p.household.building_id if p.household is not None else None
        if building_id is not None:
            by_building.setdefault(building_id, []).append(p)
    at = dt.datetime.combine(monday, dt.time(10), tzinfo=dt.timezone(dt.timedelta(hours=8)))
    building = next((ps for ps in by_building.values() if len(ps) >= 3), [])
    for i, person in enumerate(building[:3]):
        user = resident_account_for_phone(phone_hash=person.phone_hash)
        svc.ticket_report(
            actor=user,
            data=svc.TicketInput(
                description="楼上又漏水了，顶棚往下滴水，找过物业几次没解决", category_code="301015"
            ),
            now=at - dt.timedelta(days=3 + i * 8),
        )
    households = [ps[0] for ps in by_building.values()][:10]
    for i, person in enumerate(households):
        user = resident_account_for_phone(phone_hash=person.phone_hash)
        svc.ticket_report(
            actor=user,
            data=svc.TicketInput(
                description="小区旁工地夜间施工噪音太大，晚上十一点还在打桩", category_code="205015"
            ),
            now=at - dt.timedelta(days=1 + i % 6, hours=i),
        )


def seed_mediation(seeder: DemoSeeder) -> dict[str, int]:
    started = time.monotonic()
    rng = seeder.gen.rng
    orgs = _committees(seeder)
    year_start = dt.date(TODAY.year, 1, 5)
    span = (TODAY - dt.timedelta(days=30) - year_start).days
    counts = {"cases": 0, "agreements": 0, "transfers": 0}
    for code, org in orgs.items():
        buge = code == seeder.first_community
        n = BUGE_CASES if buge else CASES_PER_COMMUNITY
        persons = _persons(code, n)
        for i in range(n):
            dispute = DISPUTES[(i + len(code)) % len(DISPUTES)] if not buge else DISPUTES[i % len(DISPUTES)]
            day = year_start + dt.timedelta(days=(span * i) // n + rng.randint(0, 6))
            source = rng.choice(
                [CaseSource.VISIT, CaseSource.VISIT, CaseSource.GRID_WORKER, CaseSource.SCREENING]
            )
            case = _case(seeder, org, persons[i] if i < len(persons) else None, day, dispute, source=source)
            counts["cases"] += 1
            last = _mediate(case, org, day, sessions=1 + (i % 2))
            if buge or i % 6 in (0, 1, 2):
                _agree(case, dispute, last, kept=buge or i != 2 or rng.random() < 0.6)
                counts["agreements"] += 1
            elif i % 6 == 3:
                outcomes.case_end_unresolved(actor=None, case_id=case.pk, note=FAILED_NOTE)
                outcomes.case_close(actor=None, case_id=case.pk, satisfaction="fairly")
            elif i % 6 == 4 and counts["transfers"] < 3:
                kind = [TransferKind.JUDICIAL, TransferKind.ADMINISTRATIVE, TransferKind.PETITION][
                    counts["transfers"]
                ]
                body = {
                    "judicial": "济阳区人民法院诉前调解中心",
                    "administrative": "区住建局行政调解室",
                    "petition": "区信访局",
                }[kind]
                outcomes.case_transfer(
                    actor=None,
                    case_id=case.pk,
                    kind=kind,
                    body=body,
                    on=last,
                    note="涉及金额较大，经双方同意移交",
                )
                counts["transfers"] += 1
            # the rest stay in mediation (or wait for the follow-up)
    # One major case reported up to the subdistrict, its reply overdue.
    last_org = orgs[sorted(orgs)[-1]]
    major = _case(
        seeder,
        last_org,
        None,
        TODAY - dt.timedelta(days=20),
        (
            DisputeKind.PROPERTY,
            "小区加装电梯多户意见对立",
            "一单元加装电梯，低层住户反对，高层住户多次聚集，矛盾可能激化。",
            None,
            "",
            "",
        ),
        source=CaseSource.SCREENING,
    )
    _mediate(major, last_org, major.registered_on)
    cases.case_report_up(
        actor=None,
        case_id=major.pk,
        reason="涉及多户、矛盾有激化苗头，申请街道协调",
        on=TODAY - dt.timedelta(days=15),
    )
    counts["transferred_tickets"] = _transfer_tickets(seeder, orgs, year_start)
    # Visitors and legal consultations at the rooms.
    for committee, _room, mediators in orgs.values():
        for j in range(2):
            day = TODAY - dt.timedelta(days=7 * j + rng.randint(0, 5))
            registers.visitor_record(
                actor=None,
                committee_id=committee.pk,
                visited_on=day,
                visitor=seeder.name(),
                phone=seeder.gen.phone(),
                matter=DISPUTES[j][1],
                handling="登记并约定调解时间",
                handler=mediators[0].name,
                follow_up="已转入调解" if j == 0 else "",
            )
            registers.consultation_record(
                actor=None,
                committee_id=committee.pk,
                consulted_on=day,
                visitor=seeder.name(),
                question=["离婚财产如何分割", "工资被拖欠怎么维权", "房屋继承需要什么手续"][j],
                answer="讲解相关法律规定，告知维权途径和所需材料",
                staff=mediators[2].name,
            )
    # Weekly screenings of every residential grid, and the half-monthly analyses.
    monday = registers.week_of(TODAY)
    grids = list(Grid.objects.filter(kind=GridKind.RESIDENTIAL).order_by("code").values_list("pk", flat=True))
    for w in range(1, SCREENING_WEEKS + 1):
        for pk in grids:
            found = 1 if rng.random() < 0.15 else 0
            registers.screening_fill(
                actor=None,
                grid_id=pk,
                week_start=monday - dt.timedelta(days=7 * w),
                disputes_found=found,
                findings="发现邻里漏水纠纷一起，已约调解" if found else "",
                risks="",
                warnings_reviewed=0,
            )
    for code in orgs:
        for k in range(ANALYSES_PER_COMMUNITY):
            registers.analysis_record(
                actor=None,
                level="community",
                place_code=code,
                held_on=TODAY - dt.timedelta(days=15 * k + 1),
                place="社区会议室",
                attendees="社区书记、调委会主任、网格长、网格员",
                cases_reviewed="本期排查纠纷及在调案件逐一研判",
                decisions="在调案件限期调结，重点纠纷包案到人",
                assignments="调委会主任牵头，网格员跟进",
            )
    # Warnings from the demo tickets, the screening of the week starts from them.
    _warning_tickets(seeder, monday)
    district_code = Community.objects.order_by("code").values_list("code", flat=True).first() or ""
    out = warnings.warnings_run(actor=None, district_code=district_code[:6], week_start=TODAY)
    counts["warnings"] = out["total"]
    counts["seconds"] = round(time.monotonic() - started, 1)  # type: ignore[assignment]
    return counts
