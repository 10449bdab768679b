"""Demo: social organisations (seed 003, 济阳街道) through the socialorgs services — the registry (a
profile for every volunteer team's organisation and hub, sector and community-service organisations of
the 济阳街道 communities), the incubation platform (graduated and incubating organisations with their
milestones), yearly plans, five years of funded projects (123 approved, about ¥500,000 in all, 20,000+
person-times served; the current year's applications reviewed and decided one by one), five yearly
contests (50+ winners, 15 brand projects; this year's scored sheet by sheet) and the social workers
(75 licensed social workers, 11 harmony envoys). The history goes in batches; this year's work through
the one-by-one services, so the pages show both."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from typing import Any

from django.db import transaction

from gongzhi.accounts.models import User
from gongzhi.demo.layout import username_stem
from gongzhi.demo.population import TODAY
from gongzhi.places.models import Community, Subdistrict
from gongzhi.socialorgs.enums import DEFAULT_CRITERIA, ENVOY_LEVELS, FIELDS, WORKER_LEVELS
from gongzhi.socialorgs.services.contests import (
    PastContest,
    PastEntry,
    contest_entry_add,
    contest_entry_brand,
    contest_entry_score,
    contest_finish,
    contest_judge_add,
    contest_open,
    contest_scoring_start,
    contests_bulk_record,
)
from gongzhi.socialorgs.services.organizations import (
    ProfileInput,
    ProfileRow,
    WorkerInput,
    WorkerRow,
    incubation_enter,
    incubation_graduate,
    incubation_milestone_done,
    social_workers_bulk_register,
    socialorg_profiles_bulk_save,
    socialorg_register,
    yearly_plan_file,
)
from gongzhi.socialorgs.services.projects import (
    FundedHistoryRow,
    FundedProjectInput,
    funded_project_apply,
    funded_project_decide,
    funded_project_deliver,
    funded_project_review,
    funded_projects_bulk_record,
)

SUBDISTRICT = "370115001000"  # 济阳街道 (seed 003)
YEARS = [TODAY.year - 4, TODAY.year - 3, TODAY.year - 2, TODAY.year - 1]
# name suffix, kind, field, project category, project title
ORGS = [
    ("社会组织联合会", "hub", "公益慈善", "education", "社会组织能力提升计划"),
    ("银发服务中心", "community_service", "为老服务", "elderly_care", "银龄助餐暖心行动"),
    ("四点半课堂", "community_service", "儿童青少年", "education", "四点半课堂托管"),
    ("调解志愿者协会", "sector", "矛盾调解", "legal", "邻里纠纷调解坊"),
    ("文体协会", "sector", "文化体育", "culture", "广场文化惠民演出"),
    ("心理关爱工作室", "community_service", "心理健康", "psychology", "心灵驿站心理疏导"),
]
MILESTONES = ["完成备案登记", "建立党建工作机制", "制定年度计划", "开展首个服务项目"]
DELIVERIES = ["入户走访", "集中服务", "主题活动", "志愿培训"]


def _user(username: str) -> User:
    return User.objects.get(username=username)


def seed_socialorgs(seeder: Any) -> dict[str, Any]:
    with transaction.atomic():  # one commit for the whole part (each service's own transaction nests)
        return _seed(seeder)


def _seed(seeder: Any) -> dict[str, Any]:
    from gongzhi.volunteers.models import SocialOrganization

    t = time.monotonic()
    rng = seeder.gen.rng
    admin = _user("admin")
    sub = Subdistrict.objects.get(code=SUBDISTRICT)
    jd = _user(f"{username_stem(sub.name)}-jd")
    communities = list(Community.objects.filter(subdistrict=sub).order_by("code"))

    # the volunteer teams' organisations, filed with the subdistrict (one batch)
    existing = list(SocialOrganization.objects.filter(profile__isnull=True).order_by("community_code", "pk"))
    socialorg_profiles_bulk_save(
        actor=admin,
        rows=[
            ProfileRow(
                org,
                ProfileInput(
                    kind="community_service",
                    legal_status="filed",
                    field="邻里互助",
                    filing_number=f"BA-{org.community_code[-6:]}-{n:03d}",
                    founded_on=dt.date(TODAY.year - 3, 3, 1),
                    members_count=rng.randint(12, 60),
                    leader_name=org.contact_name or seeder.name(),
                    party_instructor=seeder.name(),
                    contact_name=org.contact_name,
                ),
            )
            for n, org in enumerate(existing, start=1)
        ],
    )
    # 济阳街道: hub, sector and community-service organisations, registered one by one
    orgs: list[tuple[Any, Community, tuple[str, str, str, str, str]]] = []
    seq = 0
    for i, community in enumerate(communities):
        short = community.name.removesuffix("社区")
        sg = _user(f"{username_stem(community.name)}-sg1")
        picks = [ORGS[0]] if i == 0 else []
        picks += [ORGS[1 + (i + k) % (len(ORGS) - 1)] for k in range(3)]
        for spec in picks:
            seq += 1
            registered = spec[1] != "community_service" and seq % 2 == 0
            name = f"济阳街道{spec[0]}" if spec[1] == "hub" else f"{short}{spec[0]}"
            p = socialorg_register(
                actor=sg,
                community_id=community.pk,
                name=name,
                uscc=_uscc(seq) if registered else "",
                data=ProfileInput(
                    kind=spec[1],
                    legal_status="registered" if registered else "filed",
                    field=spec[2],
                    filing_number="" if registered else f"JYJD-BA-{TODAY.year - 4 + seq % 4}-{seq:03d}",
                    founded_on=dt.date(TODAY.year - 5 + seq % 4, 1 + seq % 12, 1),
                    members_count=rng.randint(8, 80),
                    leader_name=seeder.name(),
                    party_instructor=seeder.name(),
                    contact_name=seeder.name(),
                    contact_phone=f"139{rng.randint(10000000, 99999999)}",
                ),
            )
            orgs.append((p, community, spec))
    # incubation: the first ones graduated, the later ones still on the platform
    for n, (p, community, _spec) in enumerate(orgs[1:11]):
        sg = _user(f"{username_stem(community.name)}-sg1")
        entered = dt.date(TODAY.year - 1 if n < 6 else TODAY.year, 3 + n % 3, 1)
        inc = incubation_enter(
            actor=sg,
            organization_id=p.organization_id,
            cohort=f"{entered.year}年第{1 + n % 2}批",
            mentor_name=seeder.name(),
            entered_on=entered,
            milestones=[(m, entered + dt.timedelta(days=45 * (k + 1))) for k, m in enumerate(MILESTONES)],
        )
        steps = list(inc.milestones.all())
        done = len(steps) if n < 6 else n % 3
        for k, m in enumerate(steps[:done]):
            incubation_milestone_done(actor=sg, milestone_id=m.pk, done_on=m.due_on - dt.timedelta(days=k))
        if n < 6:
            incubation_graduate(
                actor=sg,
                incubation_id=inc.pk,
                note="党建引领、制度健全，已独立承接服务项目",
                ended_on=steps[-1].due_on + dt.timedelta(days=10),
            )
    for p, community, spec in orgs[:12]:
        yearly_plan_file(
            actor=_user(f"{username_stem(community.name)}-sg1"),
            organization_id=p.organization_id,
            year=TODAY.year,
            goals=f"围绕{spec[2]}开展常态化服务，新增品牌项目1个",
            planned_projects=rng.randint(1, 3),
            planned_person_times=rng.randint(200, 800),
        )

    # five years of funded projects: the past in a batch, this year's one by one
    reviewers = [jd, admin]
    history: list[FundedHistoryRow] = []
    target = 118
    for k in range(target):
        p, _community, spec = orgs[k % len(orgs)]
        year = YEARS[k % len(YEARS)] if k < 100 else TODAY.year
        requested = Decimal(rng.randint(4000, 6500)) + Decimal(rng.choice((0, 50, 80))) / 100
        granted = min(requested, Decimal(rng.randint(3800, 6000)) + Decimal(rng.randint(0, 99)) / 100)
        closed = year < TODAY.year
        history.append(
            FundedHistoryRow(
                organization=p.organization,
                data=FundedProjectInput(
                    year=year,
                    title=f"{spec[4]}（{year}第{k // len(orgs) + 1}期）",
                    summary=f"{spec[2]}：面向社区居民的{spec[4]}",
                    category=spec[3],
                    beneficiaries="社区居民",
                    requested_yuan=requested,
                ),
                scores=[rng.randint(68, 95), rng.randint(65, 95)],
                granted_yuan=granted,
                deliveries=[
                    (dt.date(year, 3 + 2 * d, 10 + d), DELIVERIES[d], rng.randint(40, 85))
                    for d in range(rng.randint(2, 4))
                ],
                closing_score=rng.randint(62, 96) if closed else None,
                reviewers=reviewers,
            )
        )
    funded_projects_bulk_record(actor=admin, rows=history)
    for live, (p, community, spec) in enumerate(orgs[:7]):
        sg = _user(f"{username_stem(community.name)}-sg1")
        sj = _user(f"{username_stem(community.name)}-sj")
        project = funded_project_apply(
            actor=sg,
            organization_id=p.organization_id,
            data=FundedProjectInput(
                year=TODAY.year,
                title=f"{spec[4]}（{TODAY.year}新申报）",
                summary=f"{spec[2]}：{community.name}居民急需的服务",
                category=spec[3],
                beneficiaries=f"{community.name}居民",
                requested_yuan=Decimal("4800.00"),
            ),
        )
        funded_project_review(actor=sj, project_id=project.pk, score=rng.randint(72, 92))
        if live < 5:
            funded_project_review(actor=jd, project_id=project.pk, score=rng.randint(70, 90))
            funded_project_decide(
                actor=admin, project_id=project.pk, approve=True, granted_yuan="4500.00", note="同意立项"
            )
            funded_project_deliver(
                actor=sg,
                project_id=project.pk,
                title="首次集中服务",
                person_times=rng.randint(30, 60),
                delivered_on=TODAY - dt.timedelta(days=7),
            )

    # contests: four past years in a batch, this year's scored by its judges one sheet at a time
    judges = [(jd, jd.display_name or "街道评委"), (admin, "区民政局评委")]
    secretaries = [_user(f"{username_stem(c.name)}-sj") for c in communities[:3]]
    judges += [(u, u.display_name or u.username) for u in secretaries]
    past = []
    for n, year in enumerate(YEARS):
        entries = []
        for k in range(16):
            p, _community, spec = orgs[(k + n) % len(orgs)]
            entries.append(
                PastEntry(
                    organization=p.organization,
                    title=f"{year}年度{p.organization.name}{spec[4]}",
                    sheets=[_sheet(rng) for _ in judges],
                )
            )
        past.append(
            PastContest(
                subdistrict=sub,
                year=year,
                title=f"{year}年度济阳街道社区优秀服务项目评选大赛",
                winners=11,
                judges=judges,
                entries=entries,
                brands=3,
            )
        )
    contests_bulk_record(actor=admin, rows=past)
    contest = contest_open(
        actor=jd,
        subdistrict_code=sub.code,
        year=TODAY.year,
        title=f"{TODAY.year}年度济阳街道社区优秀服务项目评选大赛",
        winners=11,
    )
    own_org = orgs[1][0]
    for user, name in judges:
        contest_judge_add(
            actor=jd,
            contest_id=contest.pk,
            username=user.username,
            name=name,
            organization_id=own_org.organization_id if user == secretaries[0] else None,
        )
    this_year = [
        contest_entry_add(
            actor=_user(f"{username_stem(community.name)}-sg1"),
            contest_id=contest.pk,
            organization_id=p.organization_id,
            title=f"{TODAY.year}年度{p.organization.name}{spec[4]}",
        )
        for p, community, spec in orgs[:14]
    ]
    contest_scoring_start(actor=jd, contest_id=contest.pk)
    for entry in this_year:
        for user, _name in judges:
            if user == secretaries[0] and entry.organization_id == own_org.organization_id:
                continue  # the judge of that organisation stands aside (回避)
            contest_entry_score(actor=user, entry_id=entry.pk, scores=_sheet(rng))
    contest_finish(actor=jd, contest_id=contest.pk)
    from gongzhi.socialorgs.models import ContestEntry

    for e in ContestEntry.objects.filter(contest=contest, winner=True).order_by("rank", "pk")[:3]:
        contest_entry_brand(actor=jd, entry_id=e.pk)

    # social workers: the grid academy's licensed social workers and harmony envoys (its certificates, seed
    # 003: 75 and 11), each placed in the register of their community, some with an organisation
    from gongzhi.training.models import Qualification

    by_community: dict[str, list[Any]] = {}
    for p, community, _spec in orgs:
        by_community.setdefault(community.code, []).append(p)
    rows = []
    quals = list(
        Qualification.objects.filter(kind="licensed_social_worker")
        .select_related("trainee__community")
        .order_by("pk")[:75]
    ) + list(
        Qualification.objects.filter(kind="harmony_envoy")
        .select_related("trainee__community")
        .order_by("pk")[:11]
    )
    for k, q in enumerate(quals):
        community = q.trainee.community
        levels = WORKER_LEVELS if q.kind == "licensed_social_worker" else ENVOY_LEVELS
        employers = by_community.get(community.code, [])
        employer = employers[k % len(employers)] if employers and k % 3 == 0 else None
        rows.append(
            WorkerRow(
                community,
                WorkerInput(
                    name=q.trainee.name,
                    kind=q.kind,
                    level=q.level if q.level in levels else levels[k % len(levels)],
                    certificate_number=q.number,
                    issued_on=q.issued_on,
                    expires_on=q.expires_on,
                    organization_id=employer.organization_id if employer else None,
                ),
            )
        )
    social_workers_bulk_register(actor=admin, rows=rows)
    from gongzhi.socialorgs.selectors import socialorg_counts

    counts = socialorg_counts()
    return {**counts, "fields": len(FIELDS), "seconds": round(time.monotonic() - t, 2)}


def _sheet(rng: Any) -> dict[str, Any]:
    return {c["key"]: rng.randint(c["max"] * 6, c["max"] * 10) / 10 // 0.5 * 0.5 for c in DEFAULT_CRITERIA}


def _uscc(n: int) -> str:
    from stdnum.cn import uscc

    body = f"52370125MJ{n:07d}"[:17]
    return body + uscc.calc_check_digit(body)
