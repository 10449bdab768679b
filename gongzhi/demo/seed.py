"""Builds the demo district through the services, so its audit trail is as real as a user's."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gongzhi.accounts.models import User
from gongzhi.accounts.services import role_assign, user_create
from gongzhi.cockpit.services import rollup_rebuild
from gongzhi.core.roles import Role
from gongzhi.demo import layout
from gongzhi.demo.assessment import seed_assessment
from gongzhi.demo.campaigns import seed_campaigns
from gongzhi.demo.care import seed_care
from gongzhi.demo.cobuild import seed_cobuild
from gongzhi.demo.councils import seed_councils
from gongzhi.demo.devices import seed_devices
from gongzhi.demo.layout import username_stem
from gongzhi.demo.mediation import seed_mediation
from gongzhi.demo.party import place_community_members
from gongzhi.demo.party_accounts import link_demo_member_and_liaison
from gongzhi.demo.party_service import seed_service
from gongzhi.demo.party_units import seed_units_and_members
from gongzhi.demo.points import seed_points
from gongzhi.demo.population import PopulationGenerator
from gongzhi.demo.property import seed_property
from gongzhi.demo.resettlement import seed_resettlement
from gongzhi.demo.routing import seed_routing_keywords, seed_routing_mapping
from gongzhi.demo.socialorgs import seed_socialorgs
from gongzhi.demo.stairwells import seed_stairwells
from gongzhi.demo.tickets import seed_tickets
from gongzhi.demo.training import seed_training
from gongzhi.demo.venues import seed_venues
from gongzhi.demo.volunteers import seed_volunteers
from gongzhi.people.models import Person
from gongzhi.people.services import grid_population_register, resident_account_create
from gongzhi.places.enums import GridKind, TeamRole
from gongzhi.places.models import Community, Department, Grid
from gongzhi.places.services import (
    community_create,
    department_create,
    district_create,
    grid_create,
    grid_team_member_add,
    subdistrict_create,
)

DEMO_PASSWORD = "Gongzhi@2026"  # printed by demo_logins; for a demo database only
DEMO_NOTE = {"demo": True}


@dataclass
class SeedStats:
    communities: int = 0
    grids: int = 0
    households: int = 0
    persons: int = 0
    accounts: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)


class DemoSeeder:
    def __init__(self, seed: int = 2026, progress: Callable[[str], None] = print, scale: float = 1.0) -> None:
        self.seed = seed
        self.progress = progress
        self.scale = scale  # fraction of households per grid (tests use a small one)
        self.gen = PopulationGenerator(seed)
        self.stats = SeedStats()

    # -- accounts ---------------------------------------------------------------------------------
    def account(self, username: str, display_name: str, role: str, phone: str = "", **scope) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                actor=None,
                username=username,
                password=DEMO_PASSWORD,
                display_name=display_name,
                phone=phone,
                is_staff=role == Role.DISTRICT_ADMIN,
                validate_password=False,
                note=DEMO_NOTE,
            )
            self.stats.accounts += 1
        role_assign(actor=None, user=user, role=role, **scope)
        return user

    def name(self, male: bool | None = None) -> str:
        male = self.gen.rng.random() < 0.5 if male is None else male
        return self.gen.fake.last_name() + (
            self.gen.fake.first_name_male() if male else self.gen.fake.first_name_female()
        )

    # -- the district -----------------------------------------------------------------------------
    def run(self) -> SeedStats:
        started = time.monotonic()
        admin = self.run_core()
        self.run_rest(admin)
        self.stats.seconds = round(time.monotonic() - started, 1)
        return self.stats

    def run_core(self) -> User:
        """The district's places, departments, grid teams and every account: what a person needs to sign
        in. The rest (``run_rest``) may follow in a background job (``seed_demo --background``)."""
        plans = layout.plan()
        self.first_community = plans[0].code
        district = district_create(actor=None, code=layout.DISTRICT[0], name=layout.DISTRICT[1])
        admin = self.account("admin", "区网格化服务中心管理员", Role.DISTRICT_ADMIN, place_code=district.code)
        self.account("auditor", "区纪委审计员", Role.AUDITOR, place_code=district.code)
        for code, name in layout.DEPARTMENTS:
            dep = department_create(actor=admin, district=district, code=code, name=name)
            self.account(f"{code}-jb", f"{name}经办人", Role.DEPARTMENT_HANDLER, department=dep)

        subdistricts = {}
        instructors: dict[str, str] = {}
        for code, name, _communities in layout.SUBDISTRICTS:
            sub = subdistrict_create(actor=admin, district=district, code=code, name=name)
            subdistricts[code] = sub
            self.account(
                f"{username_stem(name)}-jd", f"{name}工作人员", Role.SUBDISTRICT_STAFF, place_code=code
            )
            instructors[code] = self.name()

        t = time.monotonic()
        for cp in plans:
            community = community_create(
                actor=admin,
                subdistrict=subdistricts[cp.subdistrict_code],
                code=cp.code,
                name=cp.name,
                boundary=cp.boundary,
            )
            self.stats.communities += 1
            grids = [
                grid_create(
                    actor=admin,
                    community=community,
                    code=g.code,
                    name=g.name,
                    kind=g.kind,
                    covers=g.covers,
                    covers_name=g.covers_name,
                    boundary=g.boundary,
                )
                for g in cp.grids
            ]
            self.stats.grids += len(grids)
            self.team(community, grids, instructors[cp.subdistrict_code])
            self.progress(f"  社区 {cp.name}：{len(grids)} 个网格及网格队伍已建立")
        self.stats.timings["places_and_teams"] = round(time.monotonic() - t, 1)
        return admin

    def snapshot(self) -> dict[str, Any]:
        """The generator's state after ``run_core``, as JSON: the background job goes on from it, so the
        district it builds is the one a single run with the same seed builds."""
        rng_state = self.gen.rng.getstate()
        fake_state = self.gen.fake.random.getstate()
        return {
            "seed": self.seed,
            "scale": self.scale,
            "first_community": self.first_community,
            "rng": [rng_state[0], list(rng_state[1]), rng_state[2]],
            "fake": [fake_state[0], list(fake_state[1]), fake_state[2]],
            "used_ids": sorted(self.gen.used_ids),
            "used_phones": sorted(self.gen.used_phones),
            "stats": {k: v for k, v in self.stats.__dict__.items() if k != "timings"},
            "timings": self.stats.timings,
        }

    @classmethod
    def resume(cls, state: dict[str, Any], progress: Callable[[str], None] = print) -> DemoSeeder:
        seeder = cls(int(state["seed"]), progress, float(state["scale"]))
        seeder.first_community = state["first_community"]
        r = state["rng"]
        seeder.gen.rng.setstate((r[0], tuple(r[1]), r[2]))
        f = state["fake"]
        seeder.gen.fake.random.setstate((f[0], tuple(f[1]), f[2]))
        seeder.gen.used_ids = set(state["used_ids"])
        seeder.gen.used_phones = set(state["used_phones"])
        for k, v in state["stats"].items():
            setattr(seeder.stats, k, v)
        seeder.stats.timings = dict(state["timings"])
        return seeder

    def run_rest(self, admin: User) -> SeedStats:
        """Population, party, lists, tickets and every other part of the demo, through the services."""
        t = time.monotonic()
        residential = list(Grid.objects.filter(kind=GridKind.RESIDENTIAL).order_by("code"))
        for i, grid in enumerate(residential, start=1):
            count = max(1, round(self.gen.rng.randint(300, 500) * self.scale))
            households = self.gen.grid_households(grid.name, count, i)
            self.stats.persons += grid_population_register(actor=None, grid_id=grid.pk, households=households)
            self.stats.households += len(households)
            if i % 10 == 0 or i == len(residential):
                self.progress(
                    f"  人口：{i}/{len(residential)} 个居民网格，{self.stats.households} 户 {self.stats.persons} 人"
                )
        self.stats.timings["population"] = round(time.monotonic() - t, 1)
        t = time.monotonic()
        place_community_members(self)
        self.progress("  党组织：社区党员已登记，网格党支部已按居住网格设置")
        t = time.monotonic()
        seed_units_and_members(self)
        served = seed_service(self)
        link_demo_member_and_liaison(self)  # dy-/unit- accounts see their own H5 pages
        self.progress(
            f"  双报到：驻区单位与在职党员已报到；{served['items']} 个服务岗位/项目，{served['records']} 条服务记录"
        )
        self.stats.timings["party_members"] = round(time.monotonic() - t, 1)
        seed_venues(self)  # before the volunteers: their activities are held at these venues and book them
        seed_volunteers(self)
        t = time.monotonic()
        lists = seed_cobuild(self)
        self.progress(
            f"  三张清单：{lists['needs']} 项需求、{lists['resources']} 项资源；签约共建项目 {lists['signed']} 个，解决需求 {lists['fulfilled']} 件"
        )
        self.stats.timings["cobuild"] = round(time.monotonic() - t, 1)
        t = time.monotonic()
        cared = seed_care(self)
        self.progress(
            f"  重点人群：{cared.get('members', 0)} 人次在册，走访 {cared.get('visits', 0)} 次（转需求/工单 {cared.get('follow_ups', 0)} 件），慰问 {cared.get('care_visits', 0)} 人次，应访未访 {cared.get('overdue', 0)} 人次"
        )
        self.stats.timings["care"] = round(time.monotonic() - t, 1)
        seed_training(self)
        t = time.monotonic()
        pts = seed_points(self)
        self.progress(
            f"  积分制管理：{pts['rules']} 条规则、{pts['claims']} 条申报经民主评议、{pts['generated']} 条志愿服务积分待评议；积分超市 {pts['goods']} 种商品，兑换 {pts['redemptions']} 次"
        )
        self.stats.timings["points"] = round(time.monotonic() - t, 1)
        orgs = seed_socialorgs(self)
        self.progress(
            f"  社会组织：{orgs['organizations']} 个组织入库（孵化 {orgs['incubated']} 个），公益创投立项 {orgs['funded_projects']} 个、资助 {orgs['funds_yuan']:.2f} 元，持证社工 {orgs['licensed_social_workers']} 名，连续五年项目大赛"
        )
        self.stats.timings["socialorgs"] = orgs["seconds"]
        wells = seed_stairwells(self)
        self.progress(
            f"  文明楼道：{wells['stairwells']} 个楼道在册，命名 {wells['named']} 个，检查 {wells['inspections']} 次，楼道长/红色楼长 {wells['posts']} 名"
        )
        self.stats.timings["stairwells"] = wells["seconds"]
        self.residents(admin)
        seed_routing_mapping(self)
        self.stats.timings["tickets"] = seed_tickets(self).seconds
        routed = seed_routing_keywords(self)
        self.progress(
            f"  智能分拨：{routed['suggestions']} 件工单有分拨建议，已确定 {routed['decided']} 件，其中原样采纳 {routed['unchanged']} 件；候选关键词 {routed['candidates']} 个"
        )
        self.stats.timings["routing"] = routed["seconds"]
        # after the tickets: neighbour-dispute tickets are transferred in and the warnings read them
        t = time.monotonic()
        med = seed_mediation(self)
        self.progress(
            f"  人民调解：{med['cases']} 件纠纷，达成协议 {med['agreements']} 件，移交 {med['transfers']} 件，预警 {med['warnings']} 条，用时 {med['seconds']} 秒"
        )
        self.stats.timings["mediation"] = round(time.monotonic() - t, 1)
        t = time.monotonic()
        dev = seed_devices(self)
        self.progress(
            f"  智慧社区设备：{dev.get('devices', 0)} 台（银山社区：高清摄像头398、智能门禁30、人脸识别9、消防通道监控1），"
            f"近一月事件 {dev.get('events', 0)} 条，生成工单 {dev.get('tickets', 0)} 件，离线 {dev.get('offline', 0)} 台"
        )
        self.stats.timings["devices"] = round(time.monotonic() - t, 1)
        camp = seed_campaigns(self)
        self.progress(
            f"  联合行动与巡查：“{camp['campaign']}”逐条记录问题 {camp['findings']} 处（转工单 {camp['tickets']} 件），巡查岗位 {camp['rounds']} 个，用时 {camp['seconds']} 秒"
        )
        self.stats.timings["campaigns"] = camp["seconds"]
        res = seed_resettlement(self)
        self.progress(
            f"  安置房分配：{res['households']} 户安置对象、{res['units']} 个房源，摇号后按序分配 {res['allocated']} 个，结算 {res['settled']} 户，用时 {res['seconds']} 秒"
        )
        self.stats.timings["resettlement"] = res["seconds"]
        t = time.monotonic()
        co = seed_councils(self)
        self.progress(
            f"  协商议事：{co['councils']} 个议事会、{co['topics']} 个议题、{co['meetings']} 次会议；党群提案 {co['proposals']} 件；书记有约 {co['sessions']} 个接待日、{co['demands']} 件诉求（{co['seconds']} 秒）"
        )
        self.stats.timings["councils"] = round(time.monotonic() - t, 1)
        # after the tickets: the quarterly assessment reads the property tickets of each estate
        prop = seed_property(self)
        self.progress(
            f"  红色物业：{prop['companies']} 家物业企业，{prop['services']} 个小区有物业服务，{prop['committees']} 个业委会，{prop['branches']} 个同心桥党支部；{prop['matters']} 件物业议事，{prop['ratings']} 条居民季度评价，{prop['assessed']} 项季度考核，用时 {prop['seconds']} 秒"
        )
        self.stats.timings["property"] = prop["seconds"]
        # last: the assessment reads every module's records
        assess = seed_assessment(self)
        self.progress(
            f"  考核：济阳街道网格综合考核 {assess['grids']} 个网格、网格员履职考核 {assess['workers']} 人，已计算并发布，用时 {assess['seconds']} 秒"
        )
        self.stats.timings["assessment"] = assess["seconds"]
        # last: the cockpit's figures are rolled up from every module's rows
        t = time.monotonic()
        fig = rollup_rebuild(actor=None)
        self.stats.timings["cockpit"] = round(time.monotonic() - t, 1)
        self.progress(
            f"  驾驶舱：指标已按记录汇总，{fig['rows']} 行（{fig['months']} 个月），用时 {self.stats.timings['cockpit']} 秒"
        )
        return self.stats

    def team(self, community: Community, grids: list[Grid], instructor: str) -> None:
        """1 + X + N per grid: the head is a community worker, X full- or part-time grid workers, N volunteers;
        plus the subdistrict's grid instructor and building captains."""
        py = username_stem(community.name)
        self.account(
            f"{py}-sj", f"{community.name}党委书记", Role.COMMUNITY_SECRETARY, place_code=community.code
        )
        heads = []
        for n in range(1, 4):
            name = self.name()
            heads.append(self.account(f"{py}-sg{n}", name, Role.COMMUNITY_WORKER, place_code=community.code))
        full_time = community.code[:9] + "000" == layout.FULL_TIME_WORKERS_SUBDISTRICT
        residential = [g for g in grids if g.kind == GridKind.RESIDENTIAL]
        n_workers = layout.FULL_TIME_WORKERS_PER_COMMUNITY if full_time else len(residential)
        workers = [
            self.account(
                f"{py}-wg{n:02d}",
                self.name(),
                Role.GRID_WORKER,
                place_code=residential[(n - 1) % len(residential)].code,
                phone=self.gen.phone(),
            )
            for n in range(1, n_workers + 1)
        ]
        for i, grid in enumerate(grids):
            head = heads[i % len(heads)]
            role_assign(actor=None, user=head, role=Role.GRID_HEAD, place_code=grid.code)
            grid_team_member_add(
                actor=None, grid=grid, role=TeamRole.GRID_HEAD, name=head.display_label, user=head
            )
            if grid.kind == GridKind.RESIDENTIAL:
                mine = [w for j, w in enumerate(workers) if j % len(residential) == residential.index(grid)]
            else:
                mine = [workers[i % len(workers)]]
                role_assign(actor=None, user=mine[0], role=Role.GRID_WORKER, place_code=grid.code)
            for w in mine:
                grid_team_member_add(
                    actor=None, grid=grid, role=TeamRole.GRID_WORKER, name=w.display_label, user=w
                )
            if not full_time and grid.kind == GridKind.RESIDENTIAL:
                grid_team_member_add(
                    actor=None,
                    grid=grid,
                    role=TeamRole.PART_TIME_WORKER,
                    name=self.name(),
                    phone=self.gen.phone(),
                    note="卫健协管员",
                )
            grid_team_member_add(
                actor=None, grid=grid, role=TeamRole.INSTRUCTOR, name=instructor, note="街道网格指导员"
            )
            if grid.kind == GridKind.RESIDENTIAL:
                for _ in range(self.gen.rng.randint(2, 4)):
                    grid_team_member_add(
                        actor=None,
                        grid=grid,
                        role=TeamRole.VOLUNTEER,
                        name=self.name(),
                        phone=self.gen.phone(),
                    )
                for b in range(1, 3):
                    grid_team_member_add(
                        actor=None,
                        grid=grid,
                        role=TeamRole.BUILDING_CAPTAIN,
                        name=self.name(),
                        phone=self.gen.phone(),
                        note=f"{b}号楼",
                    )
        if community.code == self.first_community:
            self.account(f"unit-{py}", "驻区单位联络人", Role.UNIT_LIAISON, place_code=community.code)
            self.account(f"dy-{py}", self.name(), Role.PARTY_MEMBER, place_code=community.code)

    def residents(self, admin: User) -> None:
        first_grid = Grid.objects.filter(kind=GridKind.RESIDENTIAL).order_by("code").first()
        if first_grid is None:
            return
        heads = (
            Person.objects.filter(grid_code=first_grid.code, relation="head")
            .exclude(phone_hash="")
            .order_by("id")[:2]
        )
        for n, person in enumerate(heads, start=1):
            resident_account_create(
                actor=admin, person_id=person.pk, username=f"jumin{n}", password=DEMO_PASSWORD, note=DEMO_NOTE
            )
            self.stats.accounts += 1


def district_is_empty() -> bool:
    return not Grid.objects.exists() and not Department.objects.exists()


def seed_demo(seed: int = 2026, progress: Callable[[str], None] = print, scale: float = 1.0) -> SeedStats:
    if not district_is_empty():
        raise RuntimeError("数据库中已有区划数据，演示数据只能写入空数据库")
    # Each service below runs in its own transaction: a crash leaves whole batches, never half a grid.
    return DemoSeeder(seed, progress, scale).run()


# -- in the background (make run: the site serves while the rest is built) ------------------------

JOB_KIND = "demo.build"
# the progress lines run_rest writes, about: the job's "step n of N"
REST_STEPS = 35


def seed_demo_core(seed: int = 2026, progress: Callable[[str], None] = print, scale: float = 1.0) -> Any:
    """``run_core`` now, and the rest as a background job (``jobs_worker`` runs it); returns the job."""
    from gongzhi.jobs.services import job_start

    if not district_is_empty():
        raise RuntimeError("数据库中已有区划数据，演示数据只能写入空数据库")
    seeder = DemoSeeder(seed, progress, scale)
    started = time.monotonic()
    seeder.run_core()
    seeder.stats.seconds = round(time.monotonic() - started, 1)
    return seeder, job_start(
        actor=None, kind=JOB_KIND, label="演示区后台生成", params=seeder.snapshot(), rows_total=REST_STEPS
    )


def demo_build_job(ctx: Any) -> dict[str, Any]:
    """The job's runner: the rest of the demo district from the snapshot, one progress step per line."""
    from gongzhi.jobs.enums import JobPhase

    step = 0

    def progress(line: str) -> None:
        nonlocal step
        step += 1
        ctx.progress(
            min(step, REST_STEPS - 1), REST_STEPS, phase=JobPhase.WRITING, note=line.strip(), force=True
        )

    if Person.objects.exists():
        # A run after the worker died half-way: what was written stays (each service is its own
        # transaction); the demo is not built twice. ``make clean`` and a new ``make run`` rebuild it.
        return {"message": "演示数据此前已部分生成（后台进程曾中断），不再重复生成", "resumed": False}
    seeder = DemoSeeder.resume(ctx.params, progress)
    admin = User.objects.get(username="admin")
    started = time.monotonic()
    stats = seeder.run_rest(admin)
    ctx.progress(REST_STEPS, REST_STEPS, phase=JobPhase.DONE, note="演示区已全部生成", force=True)
    return {
        "message": f"演示区已全部生成：{stats.households} 户 {stats.persons} 人，用时 {round(time.monotonic() - started, 1)} 秒",
        "households": stats.households,
        "persons": stats.persons,
    }
