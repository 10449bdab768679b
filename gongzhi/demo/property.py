"""Demo: 红色物业 through the property services — the district's property-sector party committee, each
subdistrict's property office and “红色物业”党建联盟; a dozen property companies (USCC checked); a property
service for nearly every demo estate, owners' committees for most; 13 “同心桥” branches in 济阳街道 (seed
002) with their three sides and red captains; a handful of property matters through the four steps of the
deliberation engine (one carried out, published and rated, one declined, one voted down, the others on
their way); a year of residents' quarterly ratings and the four quarters' assessments, in bulk."""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.utils import timezone

from gongzhi.accounts.models import User
from gongzhi.party.models import PartyMember
from gongzhi.places.models import Building, Estate, Household, Subdistrict
from gongzhi.property.enums import BranchSide, CaptainKind, CommitteePost, ProposerKind, ServiceKind
from gongzhi.property.models import PropertyRating
from gongzhi.property.services._validation import quarter_containing
from gongzhi.property.services.assessment import property_assessment_run
from gongzhi.property.services.estates import (
    BranchInput,
    CommitteeInput,
    CommitteeMemberInput,
    RepresentativeInput,
)
from gongzhi.property.services.matters import MatterInput, party_day_location, property_matter_propose
from gongzhi.property.services.ratings import property_ratings_bulk_record
from gongzhi.property.services.register import (
    CompanyInput,
    CompanyRow,
    OrganizationInput,
    property_companies_bulk_register,
    property_organization_create,
)
from gongzhi.property.services.setup import CaptainRow, EstateSetup, estates_bulk_set_up

JIYANG = "370115001000"  # 济阳街道: its 13 “同心桥” branches (seed 002)
BRANCHES_IN_JIYANG = 13
COMPANY_NAMES = [
    "济阳红领物业服务有限公司",
    "济南福康物业管理有限公司",
    "济阳城投物业服务有限公司",
    "山东安居乐业物业管理有限公司",
    "济阳澄波物业服务有限公司",
    "济南鑫阳物业管理有限公司",
    "济阳济北物业服务有限公司",
    "山东正安物业管理有限公司",
    "济阳回河物业服务有限公司",
    "济南和顺物业管理有限公司",
    "济阳新元物业服务有限公司",
    "山东德润物业管理有限公司",
]
MATTERS = [
    (
        "增设电动车充电车棚",
        "楼道私拉电线给电动车充电，存在火灾隐患，建议在3号楼北侧空地建设充电车棚",
        "published",
    ),
    ("清华园小区暖气管道修缮", "老旧供热管网漏水，冬季部分住户室温不达标，拟分段更换主管道", "implementing"),
    ("规范小区车辆停放", "小区内乱停车堵塞消防通道，拟施划停车位并实行错时停车", "resolved"),
    ("上调物业服务费", "拟每平方米每月上调0.3元用于绿化养护", "declined"),
    ("楼顶加装光伏板", "利用楼顶公共部位安装光伏板，收益用于公共维修", "voted_down"),
    ("更换单元门禁系统", "单元门禁老化失灵，拟更换为人脸识别门禁", "consulting"),
    ("小区垃圾分类亭改造", "垃圾分类亭异味大，拟迁址并加装除臭设施", "proposed"),
]

# Which of the chosen branch estates each matter is about: the demo residents' estate (0) shows a result to
# rate and an open consultation.
PLACE_OF_GOAL = {
    "published": 0,
    "consulting": 0,
    "declined": 0,
    "implementing": 1,
    "voted_down": 1,
    "resolved": 2,
    "proposed": 2,
}


def _uscc(n: int) -> str:
    from stdnum.cn import uscc

    body = f"91370125MA3C{n:05d}"[:17]
    return body + uscc.calc_check_digit(body)


def seed_property(seeder: Any) -> dict[str, Any]:
    with transaction.atomic():  # one commit for the whole part (each service's own transaction nests)
        return _seed_property(seeder)


def _organizations(admin: User, companies: dict[str, list[Any]]) -> dict[str, Any]:
    from gongzhi.places.models import District

    district = District.objects.order_by("code").first()
    assert district is not None
    property_organization_create(
        actor=admin,
        district_id=district.pk,
        data=OrganizationInput(
            kind="sector_committee",
            name=f"{district.name}物业服务行业党委",
            head_name="区住建局党组成员",
            note="依托区住房和城乡建设局成立",
            company_ids=[c.pk for cs in companies.values() for c in cs],
        ),
    )
    alliances = {}
    for sub in Subdistrict.objects.order_by("code"):
        property_organization_create(
            actor=admin,
            data=OrganizationInput(
                kind="property_office", name=f"{sub.name}物业管理办公室", subdistrict_id=sub.pk
            ),
        )
        alliances[sub.code] = property_organization_create(
            actor=admin,
            data=OrganizationInput(
                kind="alliance",
                name=f"{sub.name}“红色物业”党建联盟",
                subdistrict_id=sub.pk,
                company_ids=[c.pk for c in companies.get(sub.code, [])],
            ),
        )
    return alliances


def _seed_property(seeder: Any) -> dict[str, Any]:
    t = time.monotonic()
    rng = seeder.gen.rng
    admin = User.objects.get(username="admin")
    today = timezone.localdate()
    subdistricts = list(Subdistrict.objects.order_by("code"))
    # -- companies: half in 济阳街道, the rest shared by the other subdistricts ------------------------
    rows = []
    for n, name in enumerate(COMPANY_NAMES):
        sub = (
            subdistricts[0]
            if n < 6 or len(subdistricts) == 1
            else subdistricts[1 + n % (len(subdistricts) - 1)]
        )
        rows.append(
            CompanyRow(
                sub,
                CompanyInput(
                    name=name,
                    uscc=_uscc(n + 1),
                    address=f"{sub.name}{name[:2]}路{n + 1}号",
                    manager_name=seeder.name(),
                    party_org_name=f"{name.removesuffix('有限公司')}党支部",
                    party_members=rng.randint(3, 15),
                    party_lead_name=seeder.name(),
                    red_brand=n % 3 == 0,
                ),
            )
        )
    made = property_companies_bulk_register(actor=admin, rows=rows)
    companies: dict[str, list[Any]] = defaultdict(list)
    for c in made:
        companies[c.subdistrict_code].append(c)
    alliances = _organizations(admin, companies)
    # -- every estate's profile, in one batch -------------------------------------------------------
    estates = list(Estate.objects.select_related("community").order_by("community_code", "name", "id"))
    buildings: dict[int, list[Building]] = defaultdict(list)
    for b in Building.objects.filter(estate__isnull=False).order_by("estate_id", "number"):
        buildings[b.estate_id].append(b)  # type: ignore[index]
    members_by_community: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for pk, code, name in PartyMember.objects.filter(kind="community_managed").values_list(
        "pk", "community_code", "name"
    ):
        members_by_community[code].append((pk, name))
    jiyang = [e for e in estates if e.subdistrict_code == JIYANG]
    # the first residential grid's estate (where the demo residents live) is among the branches
    home = _home_estate()
    branch_ids = {home.pk} if home is not None and home.subdistrict_code == JIYANG else set()
    for e in jiyang[:: max(1, len(jiyang) // BRANCHES_IN_JIYANG)]:
        if len(branch_ids) < BRANCHES_IN_JIYANG:
            branch_ids.add(e.pk)
    for e in jiyang:
        if len(branch_ids) >= BRANCHES_IN_JIYANG:
            break
        branch_ids.add(e.pk)
    setups: list[EstateSetup] = []
    for i, e in enumerate(estates):
        pool = companies.get(e.subdistrict_code) or [c for cs in companies.values() for c in cs]
        company = pool[i % len(pool)]
        kind = (
            ServiceKind.COMPANY
            if i % 11 or e.pk in branch_ids
            else (ServiceKind.SELF_MANAGED, ServiceKind.HOSTED)[i % 2]
        )
        setup = EstateSetup(
            estate=e,
            service_kind=kind,
            company=company if kind == ServiceKind.COMPANY else None,
            service_starts_on=dt.date(today.year - 1 - i % 3, 1 + i % 12, 1),
        )
        party = members_by_community.get(e.community_code, [])
        if e.pk in branch_ids or i % 5 != 4:  # most estates have a committee
            elected = today - dt.timedelta(days=400 + (i * 37) % 900)
            names = [seeder.name() for _ in range(5 if i % 2 else 7)]
            chair = names[0]
            setup.committee = CommitteeInput(
                elected_on=elected,
                members=[
                    CommitteeMemberInput(
                        name=n,
                        post=CommitteePost.CHAIR
                        if k == 0
                        else CommitteePost.VICE_CHAIR
                        if k == 1
                        else CommitteePost.MEMBER,
                        is_party_member=k in (0, 2),
                        cross_appointed=k == 2 and e.pk in branch_ids,
                    )
                    for k, n in enumerate(names)
                ],
            )
            setup.committee_filed_on = elected + dt.timedelta(days=10 + i % 15)
        if e.pk in branch_ids:
            assert setup.committee is not None
            grid_member = party[i % len(party)] if party else (None, seeder.name())
            setup.branch = BranchInput(
                name=f"{e.name}“同心桥”党支部",
                secretary_name=grid_member[1],
                alliance_id=alliances[e.subdistrict_code].pk if e.subdistrict_code in alliances else None,
                founded_on=dt.date(2025, 3, 1) + dt.timedelta(days=i % 60),
                representatives=[
                    RepresentativeInput(
                        side=BranchSide.COMPANY, name=company.party_lead_name or seeder.name()
                    ),
                    RepresentativeInput(side=BranchSide.OWNERS_COMMITTEE, name=chair),
                    RepresentativeInput(
                        side=BranchSide.GRID, name=grid_member[1], party_member_id=grid_member[0]
                    ),
                ],
            )
            for k, b in enumerate(buildings.get(e.pk, [])[:4]):
                pm = party[(i + k + 1) % len(party)] if party else (None, seeder.name())
                setup.captains.append(
                    CaptainRow(
                        kind=CaptainKind.RED_CAPTAIN,
                        holder_name=pm[1],
                        building=b,
                        party_member_id=pm[0],
                        since=dt.date(2025, 4, 1),
                    )
                )
            setup.captains.append(
                CaptainRow(kind=CaptainKind.RED_STEWARD, holder_name=company.manager_name or seeder.name())
            )
        setups.append(setup)
    counts = estates_bulk_set_up(actor=admin, rows=setups, today=today)
    # -- property matters through the engine (the demo residents' estate first) --------------------
    matters = _matters(estates, branch_ids, home)
    # -- a year of ratings and assessments ----------------------------------------------------------
    ratings = _ratings(rng, setups, today)
    q = quarter_containing(today)
    quarters = [q.previous().previous().previous(), q.previous().previous(), q.previous(), q]
    assessed = 0
    for quarter in quarters:
        for sub in subdistricts:
            assessed += len(property_assessment_run(actor=admin, subdistrict_id=sub.pk, quarter=quarter.key))
    return {
        "companies": len(made),
        **counts,
        "matters": matters,
        "ratings": ratings,
        "assessed": assessed,
        "seconds": round(time.monotonic() - t, 1),
    }


def _ratings(rng: Any, setups: list[EstateSetup], today: dt.date) -> int:
    """About a tenth of each estate's households (at least 2) rate each of the year's quarters."""
    from gongzhi.property.models import OwnersCommittee, TongxinqiaoBranch

    estate_ids = [s.estate.pk for s in setups]
    committees = dict(OwnersCommittee.objects.filter(estate_id__in=estate_ids).values_list("estate_id", "pk"))
    branches = dict(TongxinqiaoBranch.objects.filter(estate_id__in=estate_ids).values_list("estate_id", "pk"))
    households: dict[int, list[tuple[int, str, str, str, str]]] = defaultdict(list)
    for pk, estate_id, d, sub_code, c, g in Household.objects.filter(
        building__estate_id__in=estate_ids
    ).values_list(
        "pk", "building__estate_id", "district_code", "subdistrict_code", "community_code", "grid_code"
    ):
        households[estate_id].append((pk, d, sub_code, c, g))
    q = quarter_containing(today)
    quarters = [q.previous().previous().previous(), q.previous().previous(), q.previous(), q]
    rows: list[PropertyRating] = []
    for s in setups:
        homes = households.get(s.estate.pk, [])
        if not homes:
            continue
        base = 3.2 + (s.estate.pk % 7) * 0.25  # some estates are happier than others
        for quarter in quarters:
            for pk, d, sub, c, g in rng.sample(homes, max(2, min(len(homes), len(homes) // 10))):
                rows.append(
                    PropertyRating(
                        household_id=pk,
                        estate=s.estate,
                        quarter=quarter.key,
                        company=s.company,
                        company_score=_score(rng, base) if s.company else None,
                        committee_id=committees.get(s.estate.pk),
                        committee_score=_score(rng, base) if s.estate.pk in committees else None,
                        branch_id=branches.get(s.estate.pk),
                        branch_score=_score(rng, base) if s.estate.pk in branches else None,
                        district_code=d,
                        subdistrict_code=sub,
                        community_code=c,
                        grid_code=g,
                    )
                )
    return property_ratings_bulk_record(actor=None, ratings=rows)


def _score(rng: Any, base: float) -> int:
    return max(1, min(5, round(rng.gauss(base, 0.8))))


def _home_estate() -> Estate | None:
    """The estate of the first residential grid, where the demo residents (jumin1, jumin2) live."""
    from gongzhi.places.models import Grid

    first_grid = Grid.objects.filter(kind="residential").order_by("code").first()
    if first_grid is None:
        return None
    return Estate.objects.filter(buildings__grid=first_grid).order_by("id").first()


def _matters(estates: list[Estate], branch_ids: set[int], home: Estate | None) -> int:
    """The four steps on a few branch estates (the demo residents' first): the system carries them, as the
    staff would."""
    from gongzhi.councils import services as engine
    from gongzhi.councils.models import CouncilMember

    chosen = [e for e in estates if e.pk in branch_ids]
    if home is not None and home.pk in branch_ids:
        chosen = [home] + [e for e in chosen if e.pk != home.pk]
    residents = list(User.objects.filter(username__in=["jumin1", "jumin2"]).order_by("username"))
    now = timezone.now()
    made = 0
    for n, (title, text, goal) in enumerate(MATTERS):
        if not chosen:
            break
        estate = chosen[PLACE_OF_GOAL[goal] % len(chosen)]
        matter = property_matter_propose(
            actor=None,
            estate_id=estate.pk,
            data=MatterInput(
                title=title,
                description=text,
                proposer_kind=ProposerKind.COMPANY if n % 2 == 0 else ProposerKind.OWNERS_COMMITTEE,
            ),
        )
        made += 1
        topic_id = matter.topic_id or 0
        if goal == "proposed":
            continue
        if goal == "declined":
            engine.topic_decline(
                actor=None,
                topic_id=topic_id,
                reason="物业服务费调整须经业主大会依法表决，不属联席会议议事范围",
            )
            continue
        engine.topic_accept(actor=None, topic_id=topic_id)
        engine.topic_field_visit_record(
            actor=None,
            topic_id=topic_id,
            visited_on=timezone.localdate() - dt.timedelta(days=20),
            location=party_day_location(f"{estate.name}“同心桥”党支部", "小区党群议事点"),
            findings="支部党员、物业和业委会代表实地查看，形成初步方案",
            participants="同心桥党支部全体党员",
        )
        engine.topic_consultation_open(
            actor=None, topic_id=topic_id, closes_on=timezone.localdate() + dt.timedelta(days=10)
        )
        if estate is home:
            for r in residents if goal != "consulting" else residents[1:]:  # jumin1 may still give one
                engine.topic_opinion_give(actor=r, topic_id=topic_id, stance="support", text_="支持，尽快办")
        if goal == "consulting":
            continue
        council_id = engine_council(topic_id)
        meeting = engine.meeting_schedule(
            actor=None,
            council_id=council_id,
            data=engine.MeetingInput(
                title=f"{estate.name}红色物业联席会议",
                starts_at=now - dt.timedelta(days=10, hours=2),
                ends_at=now - dt.timedelta(days=10, hours=1),
                location="街道物业管理办公室",
                host="街道物业管理办公室主任",
            ),
            topic_ids=[topic_id],
        )
        members = list(CouncilMember.objects.filter(council_id=council_id, active=True))
        for m in members:
            engine.meeting_attendance_record(actor=None, meeting_id=meeting.pk, member_id=m.pk)
        item = meeting.agenda.get()
        adopted = goal != "voted_down"
        votes = {m.pk: ("for" if adopted or k == 0 else "against") for k, m in enumerate(members)}
        engine.meeting_topic_decide(
            actor=None,
            item_id=item.pk,
            votes=votes,
            resolution=engine.ResolutionInput(
                content=f"同意{title}，由物业企业组织实施，业委会和同心桥党支部监督",
                owner_name=matter.company.name if matter.company else "业委会",
                due_on=timezone.localdate() + dt.timedelta(days=30),
            )
            if adopted
            else None,
        )
        engine.meeting_minutes_record(
            actor=None, meeting_id=meeting.pk, minutes=f"三方围绕“{title}”充分协商，形成表决结果"
        )
        if not adopted or goal == "resolved":
            continue
        resolution_id = engine_resolution(topic_id)
        engine.resolution_notice_publish(actor=None, resolution_id=resolution_id)
        engine.resolution_implementation_start(actor=None, resolution_id=resolution_id)
        if goal == "implementing":
            engine.resolution_progress_update(
                actor=None, resolution_id=resolution_id, progress=60, note="主管道已更换两段"
            )
            continue
        engine.resolution_complete(
            actor=None, resolution_id=resolution_id, result="充电车棚已建成投用，共60个充电位"
        )
        engine.resolution_result_publish(actor=None, resolution_id=resolution_id)
        if estate is home:
            for r in residents[:1]:
                engine.resolution_rate(actor=r, resolution_id=resolution_id, score=5, comment="方便多了")
    return made


def engine_council(topic_id: int) -> int:
    from gongzhi.councils.models import Topic

    return Topic.objects.values_list("council_id", flat=True).get(pk=topic_id)


def engine_resolution(topic_id: int) -> int:
    from gongzhi.councils.models import Resolution

    return Resolution.objects.values_list("pk", flat=True).get(topic_id=topic_id)
