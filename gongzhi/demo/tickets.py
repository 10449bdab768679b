"""A year of grid tickets for the demo district, made by calling the ticket services with past times.

Every ticket lives a planned life (report → accept → maybe escalate → dispatch → respond → handle →
verify → callback → close, with declines, merges, returns, reworks, extensions, dissatisfied callbacks
and late handling along the way). All lives run on one clock: a heap of "the next thing that happens",
so the supervision sweep can run every few simulated hours and issue its yellow and red cards exactly as
the periodic task would have. A step planned after the real now does not happen: recent tickets stay
open, in every state, and so every demo login's inbox has work. Deterministic per seed.
"""

from __future__ import annotations

import heapq
import logging
import os
import random
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from gongzhi.accounts.models import RoleAssignment, User
from gongzhi.core import ids
from gongzhi.core.errors import ApplicationError
from gongzhi.core.permissions import allowed
from gongzhi.core.roles import Role
from gongzhi.demo import ticket_texts as texts
from gongzhi.people.models import Person
from gongzhi.places.enums import GridKind
from gongzhi.places.models import Department, Grid, Household
from gongzhi.tickets import services as svc
from gongzhi.tickets.enums import TERMINAL, Channel, Level, TicketStatus
from gongzhi.tickets.models import Category, Ticket

# The seeder is typed loosely (as the party steps do): seed.py calls this module, not the other way.
DemoSeeder = Any

TICKETS_PER_YEAR = 8000
SWEEP_EVERY = timedelta(hours=12)
BATCH = 400  # heap steps per transaction: a crash leaves whole batches
H = timedelta(hours=1)
S = TicketStatus
# How often each channel brings a problem in (a busy subdistrict, seed 002: 网格员巡查 first, then residents
# and the 12345 hotline).
CHANNELS = [
    (Channel.PATROL, 34),
    (Channel.RESIDENT, 24),
    (Channel.HOTLINE, 20),
    (Channel.APPOINTMENT, 7),
    (Channel.ASSIGNED, 7),
    (Channel.API, 8),
]
POPULAR = {"301005", "201001", "205010", "302001", "101018", "304001", "205001", "301015", "202001", "301001"}


@dataclass
class GridInfo:
    code: str
    name: str
    kind: str
    community_code: str
    subdistrict_code: str
    covers_name: str
    bbox: tuple[float, float, float, float]
    estates: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    persons: list[tuple[str, str]] = field(default_factory=list)  # (name, encrypted phone)


@dataclass
class Plan:
    at: datetime
    grid: GridInfo
    category: Category
    channel: str
    stop: str = ""  # "" = live to the end (or to now); else the last step to take
    fate: dict[str, Any] = field(default_factory=dict)
    reporter: User | None = None  # who reports (else chosen by channel)
    first: User | None = None  # the first responder (else a grid worker or community worker)


@dataclass
class TicketStats:
    tickets: int = 0
    moves: int = 0
    sweeps: int = 0
    skipped: int = 0
    seconds: float = 0.0


def _bbox(boundary: dict | None) -> tuple[float, float, float, float]:
    coords: list[list[float]] = []

    def walk(x: Any) -> None:
        if isinstance(x, list) and x and isinstance(x[0], (int, float)):
            coords.append(x)
        elif isinstance(x, list):
            for y in x:
                walk(y)

    walk((boundary or {}).get("coordinates", []))
    if not coords:
        return (0.0, 0.0, 0.0, 0.0)
    xs, ys = [c[0] for c in coords], [c[1] for c in coords]
    return (min(xs), min(ys), max(xs), max(ys))


class TicketSeeder:
    def __init__(self, seeder: DemoSeeder, count: int, now: datetime | None = None) -> None:
        self.seeder = seeder
        self.rng = random.Random(f"tickets-{seeder.seed}")
        self.count = count
        self.now = now or timezone.now()
        self.start = self.now - timedelta(days=365)
        self.stats = TicketStats()
        self.hotline_seq = 0
        self.load()

    # --- who and where ---------------------------------------------------------------------------
    def load(self) -> None:
        users: dict[int, User] = {u.pk: u for u in User.objects.all()}
        self.users_by_name = {u.username: u for u in users.values()}
        self.grid_workers: dict[str, list[User]] = {}
        self.community_staff: dict[str, list[User]] = {}
        self.secretaries: dict[str, User] = {}
        self.subdistrict_staff: dict[str, User] = {}
        self.department_users: dict[int, User] = {}
        for ra in RoleAssignment.objects.filter(active=True).order_by("id"):
            user = users[ra.user_id]
            if ra.role == Role.GRID_WORKER:
                self.grid_workers.setdefault(ra.place_code, []).append(user)
            elif ra.role == Role.COMMUNITY_WORKER:
                self.community_staff.setdefault(ra.place_code, []).append(user)
            elif ra.role == Role.COMMUNITY_SECRETARY:
                self.secretaries[ra.place_code] = user
            elif ra.role == Role.SUBDISTRICT_STAFF:
                self.subdistrict_staff.setdefault(ra.place_code, user)
            elif ra.role == Role.DEPARTMENT_HANDLER and ra.department_id:
                self.department_users.setdefault(ra.department_id, user)
        self.admin = self.users_by_name["admin"]
        self.departments = {d.code: d for d in Department.objects.all()}
        self.categories = list(Category.objects.filter(parent__isnull=False, active=True).order_by("code"))
        self.grids: list[GridInfo] = []
        for g in Grid.objects.order_by("code"):
            self.grids.append(
                GridInfo(
                    code=g.code,
                    name=g.name,
                    kind=g.kind,
                    community_code=g.community_code,
                    subdistrict_code=g.subdistrict_code,
                    covers_name=g.covers_name,
                    bbox=_bbox(g.boundary),
                )
            )
        by_code = {g.code: g for g in self.grids}
        for grid_code, address in Household.objects.order_by("id").values_list("grid__code", "address"):
            info = by_code.get(grid_code)
            if info is not None and len(info.addresses) < 40:
                info.addresses.append(address)
        for info in self.grids:
            estates = []
            for a in info.addresses:
                head = a.split("号楼")[0].rstrip("0123456789")
                if head and head not in estates:
                    estates.append(head)
            info.estates = estates or [info.covers_name or info.name]
        for grid_code, name, phone in (
            Person.objects.filter(relation="head")
            .exclude(phone_encrypted="")
            .order_by("id")
            .values_list("grid_code", "name", "phone_encrypted")
        ):
            info = by_code.get(grid_code)
            if info is not None and len(info.persons) < 20:
                info.persons.append((name, phone))
        self.residents = {
            u.pk: u for u in User.objects.filter(username__in=["jumin1", "jumin2"]).order_by("username")
        }
        self.open_by_grid: dict[str, list[int]] = {}

    def worker(self, grid: GridInfo) -> User:
        workers = self.grid_workers.get(grid.code) or self.community_staff[grid.community_code]
        return self.rng.choice(workers)

    def community_worker(self, grid: GridInfo) -> User:
        return self.rng.choice(self.community_staff[grid.community_code])

    def above(self, grid: GridInfo, level: str) -> list[User]:
        """Staff holding a place level above ``level`` over the grid: the community's, the subdistrict's,
        the district's."""
        out: list[User] = []
        if level == Level.GRID:
            out += self.community_staff.get(grid.community_code, [])
        if level in (Level.GRID, Level.COMMUNITY):
            sub = self.subdistrict_staff.get(grid.subdistrict_code)
            out += [sub] if sub is not None else []
        if level != Level.DISTRICT:
            out.append(self.admin)
        return out

    def someone_else(
        self,
        candidates: list[User],
        *,
        not_these: tuple[Any, ...],
        may: tuple[str, ...],
        ticket: Ticket | None = None,
    ) -> User | None:
        """The first candidate who is none of ``not_these`` (users or user ids) and, given the ticket,
        may make the move (``may``: its rules; checked later by the service on the ticket as it is)."""
        excluded = {getattr(x, "pk", x) for x in not_these if x is not None}
        for user in candidates:
            if user is None or user.pk in excluded:
                continue
            if ticket is None or all(allowed(user, perm, ticket) for perm in may):
                return user
        return None

    # --- what is said ---------------------------------------------------------------------------
    def fill(self, template: str, grid: GridInfo) -> str:
        rng = self.rng
        estate = rng.choice(grid.estates)
        addr = rng.choice(grid.addresses) if grid.addresses else f"{estate}{rng.randint(1, 12)}号楼"
        return template.format(
            addr=addr,
            estate=estate,
            road=rng.choice(texts.ROADS),
            time=rng.choice(texts.TIMES),
            n=rng.randint(2, 6),
            place=grid.covers_name or grid.name,
        )

    def description(self, plan: Plan) -> str:
        grid, code = plan.grid, plan.category.code
        text = self.fill(self.rng.choice(texts.REPORTS.get(code, ["{estate}附近有问题需要处理"])), grid)
        if grid.kind != GridKind.RESIDENTIAL and grid.covers_name:
            text = f"{grid.covers_name}：{text}"
        if plan.channel == Channel.HOTLINE:
            text = f"市民来电反映：{text}。希望尽快处理。"
        elif plan.channel == Channel.APPOINTMENT:
            text = f"“书记有约”居民提出：{text}"
        elif plan.channel == Channel.ASSIGNED:
            text = f"上级交办：{text}，请核实处置并按时反馈"
        return text

    def result(self, category: Category) -> str:
        major = category.code[:3]
        return self.rng.choice(texts.RESULTS.get(major, texts.FALLBACK_RESULT))

    def point(self, grid: GridInfo) -> tuple[float, float] | None:
        x0, y0, x1, y1 = grid.bbox
        if x0 == x1:
            return None
        mx, my = (x1 - x0) * 0.1, (y1 - y0) * 0.1
        return (
            round(self.rng.uniform(x0 + mx, x1 - mx), 6),
            round(self.rng.uniform(y0 + my, y1 - my), 6),
        )

    # --- plans ----------------------------------------------------------------------------------
    def _weight(self, grid: GridInfo) -> float:
        w = {GridKind.RESIDENTIAL: 1.0, GridKind.DEDICATED: 0.5}.get(grid.kind, 0.15)  # type: ignore[call-overload]
        if grid.subdistrict_code == "370115001000":
            w *= 1.6  # 济阳街道, the busy one
        return w

    def _category(self, grid: GridInfo) -> Category:
        weights = []
        for c in self.categories:
            w = 3.0 if c.code in POPULAR else 1.0
            if grid.kind != GridKind.RESIDENTIAL and c.kind == "community":
                w *= 0.3
            weights.append(w)
        return self.rng.choices(self.categories, weights=weights)[0]

    def _fate(self) -> dict[str, Any]:
        r = self.rng.random
        return {
            "decline": r() < 0.04,
            "merge": r() < 0.03,
            "escalate_extra": r() < 0.08,
            "return": r() < 0.06,
            "co": r() < 0.1,
            "late": r() < 0.12,
            "late_respond": r() < 0.1,
            "extend": r() < 0.03,
            "extend_ok": r() < 0.8,
            "rework": r() < 0.08,
            "dissatisfied": r() < 0.07,
            "dissatisfied_again": r() < 0.25,
            "respond": r() < 0.2,
            "district": r() < 0.05,
        }

    def plans(self) -> list[Plan]:
        rng = self.rng
        weights = [self._weight(g) for g in self.grids]
        span = (self.now - self.start).total_seconds()
        out = []
        for _ in range(self.count):
            grid = rng.choices(self.grids, weights=weights)[0]
            # More reports in summer and in the daytime; none in the future.
            at = self.start + timedelta(seconds=rng.random() * span)
            at = at.replace(hour=0, minute=0) + timedelta(minutes=rng.randint(7 * 60, 21 * 60))
            if at >= self.now:
                at = self.now - timedelta(minutes=rng.randint(5, 600))
            channel = rng.choices([c for c, _w in CHANNELS], weights=[w for _c, w in CHANNELS])[0]
            out.append(
                Plan(at=at, grid=grid, category=self._category(grid), channel=channel, fate=self._fate())
            )
        out.extend(self.showcase())
        out.sort(key=lambda p: p.at)
        return out

    def showcase(self) -> list[Plan]:
        """Recent tickets stopped at each step in the demo logins' places, so every inbox has work."""
        rng = self.rng
        wg01 = self.users_by_name.get("yinshan-wg01")
        code = (
            RoleAssignment.objects.filter(user=wg01, role=Role.GRID_WORKER, active=True)
            .order_by("id")
            .values_list("place_code", flat=True)
            .first()
            if wg01 is not None
            else None
        )
        yinshan = next((g for g in self.grids if g.code == code), None)
        if yinshan is None:
            return []
        by_level = {c.default_level: c for c in reversed(self.categories)}
        grid_cat = next(c for c in self.categories if c.code == "301005")
        dep_cat = next(c for c in self.categories if c.code == "101018")
        comm_cat = by_level[Level.COMMUNITY]
        sub_cat = by_level[Level.SUBDISTRICT]
        out: list[Plan] = []
        sg1 = self.users_by_name.get("yinshan-sg1")
        jd = self.subdistrict_staff.get(yinshan.subdistrict_code)
        cgj = self.departments.get("cgj")
        cgj_user = self.department_users.get(cgj.pk) if cgj else None
        reporters: dict[str, User | None] = {
            Channel.PATROL: wg01,
            Channel.APPOINTMENT: sg1,
            Channel.ASSIGNED: jd,
            Channel.API: cgj_user,
        }

        def add(days_ago: float, category: Category, channel: str, stop: str, **fate: Any) -> None:
            at = self.now - timedelta(days=days_ago, minutes=rng.randint(0, 90))
            base = self._fate() | dict.fromkeys(
                ("decline", "merge", "return", "late", "rework", "extend"), False
            )
            base["dissatisfied"] = False
            base["fast"] = True
            out.append(
                Plan(
                    at=at,
                    grid=yinshan,
                    category=category,
                    channel=channel,
                    stop=stop,
                    fate=base | fate,
                    reporter=reporters.get(channel),
                    first=wg01,
                )
            )

        for d in (0.05, 0.1, 0.3):
            add(d, grid_cat, Channel.RESIDENT, "report")
        for d in (0.5, 1):
            add(d, grid_cat, Channel.HOTLINE, "accept")
        for d in (1, 2, 3):
            add(d, grid_cat, Channel.PATROL, "dispatch")
        for d in (9, 12):  # overdue at grid level: yellow, then red
            add(d, grid_cat, Channel.RESIDENT, "dispatch")
        for d in (1, 2):
            add(d, grid_cat, Channel.RESIDENT, "handle")
        for d in (2, 3):
            add(d, grid_cat, Channel.RESIDENT, "verify")
        add(4, grid_cat, Channel.HOTLINE, "callback")
        add(0.4, grid_cat, Channel.RESIDENT, "", decline=True)
        add(0.6, grid_cat, Channel.RESIDENT, "", merge=True)
        for d in (1, 2):
            add(d, comm_cat, Channel.APPOINTMENT, "escalate")
        for d in (2, 3):
            add(d, comm_cat, Channel.RESIDENT, "dispatch")
        for d in (1, 2):
            add(d, sub_cat, Channel.HOTLINE, "escalate2")
        for d in (2, 4):
            add(d, sub_cat, Channel.ASSIGNED, "dispatch")
        add(2.5, sub_cat, Channel.HOTLINE, "dispatch", district=True)
        for d in (0.2, 1):
            add(d, dep_cat, Channel.RESIDENT, "dispatch")  # the department has yet to respond
        add(1.5, dep_cat, Channel.HOTLINE, "return", **{"return": True})
        for d in (2, 3):
            add(d, dep_cat, Channel.HOTLINE, "respond")
        for d in (10, 15):
            add(d, dep_cat, Channel.API, "respond", late_respond=True)  # overdue at the department
        for d in (3, 5):
            add(d, dep_cat, Channel.RESIDENT, "handle")
        return out

    # --- the lives ------------------------------------------------------------------------------
    def office(self, at: datetime, hours: float) -> datetime:
        """``hours`` later, moved into office hours (8:30–18:00 local) when it falls outside them."""
        t = timezone.localtime(at + timedelta(hours=hours))
        if t.hour < 8:
            t = t.replace(hour=8, minute=30 + self.rng.randint(0, 29))
        elif t.hour >= 18:
            t = (t + timedelta(days=1)).replace(hour=8, minute=30 + self.rng.randint(0, 29))
        return t

    def report(self, plan: Plan) -> Ticket:
        rng, grid = self.rng, plan.grid
        point = self.point(grid)
        data = svc.TicketInput(
            description=self.description(plan),
            channel=plan.channel,
            category_code=plan.category.code,
            lng=point[0] if point else None,
            lat=point[1] if point else None,
            grid_code=grid.code,
            address=rng.choice(grid.addresses) if grid.addresses and rng.random() < 0.5 else "",
        )
        actor: User | None = plan.reporter
        if actor is not None:
            pass
        elif plan.channel == Channel.PATROL:
            actor = self.worker(grid)
        elif plan.channel == Channel.RESIDENT:
            residents = list(self.residents.values())
            if (residents and grid.code == self.grids[0].code) or (residents and rng.random() < 0.04):
                actor = rng.choice(residents)
            elif grid.persons:
                name, phone = rng.choice(grid.persons)
                data.reporter_name, data.reporter_phone = name, ids.decrypt(phone)
                data.anonymous = rng.random() < 0.2
            else:
                data.reporter_name, data.reporter_phone = self.seeder.name(), self.seeder.gen.phone()
        elif plan.channel == Channel.HOTLINE:
            self.hotline_seq += 1
            local = timezone.localtime(plan.at)
            data.channel_source = "12345"
            data.external_id = f"SD12345-{local:%Y%m%d}-{self.hotline_seq:05d}"
            data.reporter_name = self.seeder.name()
            data.reporter_phone = self.seeder.gen.phone()
        elif plan.channel == Channel.APPOINTMENT:
            actor = self.secretaries.get(grid.community_code) or self.community_worker(grid)
            if rng.random() < 0.5:
                actor = self.community_staff[grid.community_code][0]
            local = timezone.localtime(plan.at)
            data.channel_source = f"书记有约 {local:%Y年%m月}场"
        elif plan.channel == Channel.ASSIGNED:
            actor = self.subdistrict_staff.get(grid.subdistrict_code) if rng.random() < 0.6 else self.admin
            data.channel_source = "区网格化服务中心交办" if actor is self.admin else "街道交办"
        else:  # api
            cgj = self.departments.get("cgj")
            if cgj is not None and rng.random() < 0.35:
                actor = self.department_users.get(cgj.pk)
            data.channel_source = "数字城管系统"
            data.reporter_name = "数字城管监督员"
        return svc.ticket_report(actor=actor, data=data, now=plan.at)

    def life(self, plan: Plan) -> Generator[datetime, None, None]:
        """Yields when it wants to act next; each resume makes that move at that time."""
        rng, grid, fate = self.rng, plan.grid, plan.fate
        at = plan.at
        fast = bool(fate.get("fast"))

        def later(at: datetime, hours: float, keep: bool = False) -> datetime:
            # The showcase tickets make their moves within minutes, so they reach their stop before now.
            if fast and not keep:
                return at + timedelta(hours=min(hours, 0.3))
            return self.office(at, hours)

        yield at
        ticket = self.report(plan)
        self.stats.tickets += 1
        if plan.stop == "report":
            return
        # First response.
        first = plan.first or (self.worker(grid) if rng.random() < 0.75 else self.community_worker(grid))
        at = later(at, rng.uniform(0.2, 5))
        yield at
        if fate["decline"]:
            svc.ticket_decline(
                actor=first, ticket_id=ticket.pk, reason=rng.choice(texts.DECLINE_REASONS), now=at
            )
            return
        if fate["merge"]:
            target = self._merge_target(grid, ticket.pk)
            if target:
                svc.ticket_merge(
                    actor=first, ticket_id=ticket.pk, into_id=target, note="同一问题重复反映", now=at
                )
                return
        svc.ticket_accept(actor=first, ticket_id=ticket.pk, now=at)
        self.open_by_grid.setdefault(grid.code, []).append(ticket.pk)
        if plan.stop == "accept":
            return
        level = plan.category.default_level
        if level == Level.GRID and fate["escalate_extra"]:
            level = Level.COMMUNITY
        community = self.community_worker(grid)
        dispatcher: User = first
        # Up to the level that can handle it (吹哨).
        holds = Level.GRID if first in self.grid_workers.get(grid.code, []) else Level.COMMUNITY
        if level != Level.GRID and holds == Level.GRID:
            at = later(at, rng.uniform(0.1, 2))
            yield at
            svc.ticket_escalate(
                actor=first, ticket_id=ticket.pk, reason=rng.choice(texts.ESCALATE_REASONS), now=at
            )
            dispatcher = community
            if plan.stop == "escalate":
                return
        elif level != Level.GRID:
            dispatcher = first
        if level == Level.SUBDISTRICT:
            at = later(at, rng.uniform(0.5, 4))
            yield at
            svc.ticket_escalate(actor=dispatcher, ticket_id=ticket.pk, reason="需街道统筹协调", now=at)
            dispatcher = self.subdistrict_staff[grid.subdistrict_code]
            if plan.stop in ("escalate", "escalate2"):
                return
            if fate.get("district"):
                # Beyond the subdistrict: the district's grid centre takes it on itself.
                at = later(at, rng.uniform(0.5, 4))
                yield at
                svc.ticket_escalate(actor=dispatcher, ticket_id=ticket.pk, reason="需区级统筹协调", now=at)
                dispatcher, level = self.admin, Level.DISTRICT
        dep = self.departments.get(plan.category.department_code) if level == Level.DEPARTMENT else None
        if level == Level.DEPARTMENT and dep is None:
            level = Level.COMMUNITY
        # Dispatch (and perhaps a return and a redispatch).
        for attempt in range(2):
            at = later(at, rng.uniform(0.1, 3))
            yield at
            if level == Level.DEPARTMENT and dep is not None:
                co = []
                if fate["co"]:
                    others = [d.pk for c, d in self.departments.items() if c != dep.code]
                    co = [rng.choice(others)]
                ticket = svc.ticket_dispatch(
                    actor=dispatcher,
                    ticket_id=ticket.pk,
                    level=Level.DEPARTMENT,
                    department_id=dep.pk,
                    co_department_ids=co,
                    now=at,
                )
                handler = self.department_users[dep.pk]
            else:
                ticket = svc.ticket_dispatch(actor=dispatcher, ticket_id=ticket.pk, level=level, now=at)
                handlers: dict[str, User] = {
                    Level.GRID: first if holds == Level.GRID else self.worker(grid),
                    Level.COMMUNITY: community,
                    Level.SUBDISTRICT: dispatcher,
                    Level.DISTRICT: self.admin,
                }
                handler = handlers.get(level, dispatcher)
                if level == Level.GRID and grid.code not in self.grid_workers:
                    handler = self.community_staff[grid.community_code][0]
            if plan.stop == "dispatch":
                return
            if attempt == 0 and fate["return"] and level == Level.DEPARTMENT:
                at = later(at, rng.uniform(1, 6))
                yield at
                svc.ticket_return(
                    actor=handler, ticket_id=ticket.pk, reason=rng.choice(texts.RETURN_REASONS), now=at
                )
                if plan.stop == "return":
                    return
                # The dispatcher tries again: another department, or its own level.
                alternatives = [d for c, d in self.departments.items() if c != (dep.code if dep else "")]
                if rng.random() < 0.5 and alternatives:
                    dep = rng.choice(alternatives)
                else:
                    level, dep = Level.COMMUNITY, None
                continue
            break
        assert ticket.deadline is not None and ticket.dispatched_at is not None
        # Respond (报到): departments always (sometimes late), place handlers sometimes.
        if level == Level.DEPARTMENT or fate["respond"]:
            late = fate["late_respond"] and level == Level.DEPARTMENT
            at = later(at, rng.uniform(8, 30) if late else rng.uniform(0.2, 1.5), keep=late)
            if plan.stop == "respond" and late:
                at = min(at, self.now - H)
            yield at
            svc.ticket_respond(actor=handler, ticket_id=ticket.pk, now=at)
            for a in ticket.assignments.filter(active=True, role="co"):
                if a.department_id in self.department_users:
                    svc.ticket_respond(
                        actor=self.department_users[a.department_id], ticket_id=ticket.pk, now=at
                    )
            if plan.stop == "respond":
                return
        # Nobody decides on their own work (core.duties): the extension is decided by someone of the
        # dispatching level (or above) other than the handler who asks; with nobody else, none is asked.
        decider = self.someone_else(
            [dispatcher, *self.above(grid, level)],
            not_these=(handler,),
            may=("tickets.decide_extension",),
            ticket=ticket,
        )
        if fate["extend"] and decider is not None:
            at = later(at, rng.uniform(2, 12))
            yield at
            svc.ticket_extend_request(
                actor=handler,
                ticket_id=ticket.pk,
                amount=2,
                unit="working_days",
                reason="需协调施工单位，时间较长",
                now=at,
            )
            at = later(at, rng.uniform(0.5, 4))
            yield at
            req = svc.ticket_extend_decide(
                actor=decider,
                ticket_id=ticket.pk,
                approve=fate["extend_ok"],
                note="" if fate["extend_ok"] else "时限内应能办结，请抓紧处置",
                now=at,
            )
            if req.new_deadline:
                ticket.deadline = req.new_deadline
        # Handle, verify, callback — with reworks and dissatisfied callbacks. Whoever reported or handled
        # the ticket does not verify it, whoever handled it does not call back (core.duties): the first
        # responder when they did neither, else a colleague of the grid or the community.
        own = (handler, ticket.reporter_id)
        verifier = self.someone_else(
            [first, *self.grid_workers.get(grid.code, []), *self.above(grid, Level.GRID)],
            not_these=own,
            may=("tickets.verify_ticket",),
            ticket=ticket,
        )
        caller = self.someone_else(
            [first, *self.above(grid, Level.GRID)],
            not_these=(handler,),
            may=("tickets.callback_ticket",),
            ticket=ticket,
        )
        if verifier is None or caller is None:
            return  # nobody else to check it: it waits (never happens in the demo district)
        rounds = 0
        while True:
            rounds += 1
            if rounds == 1:
                span = (ticket.deadline - at).total_seconds() / 3600
                if fast:
                    hours = 0.5
                elif fate["late"]:
                    hours = max(span, 1) + rng.uniform(4, max(8.0, span * 1.5))
                else:
                    hours = max(0.5, span * rng.uniform(0.1, 0.85))
                at = at + timedelta(hours=hours)
            else:
                at = later(at, rng.uniform(3, 30))
            yield at
            svc.ticket_handle(actor=handler, ticket_id=ticket.pk, result=self.result(plan.category), now=at)
            if plan.stop == "handle":
                return
            at = later(at, rng.uniform(1, 20))
            yield at
            if fate["rework"] and rounds == 1:
                svc.ticket_verify(
                    actor=verifier,
                    ticket_id=ticket.pk,
                    passed=False,
                    note=rng.choice(texts.REWORK_NOTES),
                    now=at,
                )
                continue
            ticket = svc.ticket_verify(actor=verifier, ticket_id=ticket.pk, passed=True, now=at)
            if plan.stop == "verify":
                return
            if not svc.callback_needed(ticket):
                break
            at = later(at, rng.uniform(2, 40))
            yield at
            unhappy = fate["dissatisfied"] and (rounds <= 2 if fate["dissatisfied_again"] else rounds == 1)
            if unhappy:
                svc.ticket_callback(
                    actor=caller,
                    ticket_id=ticket.pk,
                    satisfaction="dissatisfied",
                    note=rng.choice(texts.DISSATISFIED_NOTES),
                    now=at,
                )
                continue
            satisfaction = "satisfied" if rng.random() < 0.8 else "fairly"
            svc.ticket_callback(actor=caller, ticket_id=ticket.pk, satisfaction=satisfaction, now=at)
            if plan.stop == "callback":
                return
            break
        at = later(at, rng.uniform(0.1, 3))
        yield at
        svc.ticket_close(actor=first, ticket_id=ticket.pk, now=at)

    def _merge_target(self, grid: GridInfo, ticket_id: int) -> int | None:
        candidates = self.open_by_grid.get(grid.code, [])[-5:]
        if not candidates:
            return None
        statuses = dict(Ticket.objects.filter(pk__in=candidates).values_list("pk", "status"))
        open_ids = [pk for pk in candidates if statuses.get(pk) not in TERMINAL and pk != ticket_id]
        self.open_by_grid[grid.code] = open_ids
        return open_ids[-1] if open_ids else None

    # --- the clock ------------------------------------------------------------------------------
    def run(self, progress: Callable[[str], None]) -> TicketStats:
        started = time.monotonic()
        notify_log = logging.getLogger("gongzhi.tickets.notify")
        level = notify_log.level
        notify_log.setLevel(logging.WARNING)  # a year of past notifications was never sent
        try:
            self._run(progress)
        finally:
            notify_log.setLevel(level)
        self.stats.seconds = round(time.monotonic() - started, 1)
        return self.stats

    def _steps(self, progress: Callable[[str], None]) -> Iterator[None]:
        """Makes the next move on the clock (a ticket's step, or a sweep) each time it is advanced."""
        heap: list[tuple[datetime, int, Generator[datetime, None, None] | None]] = []
        seq = 0
        for plan in self.plans():
            life = self.life(plan)
            heap.append((next(life), seq, life))
            seq += 1
        sweep = self.start + SWEEP_EVERY
        while sweep < self.now:
            heap.append((sweep, seq, None))
            seq += 1
            sweep += SWEEP_EVERY
        heapq.heapify(heap)
        while heap:
            at, _n, gen = heapq.heappop(heap)
            if at >= self.now:
                continue  # planned for after now: it has not happened yet
            self.stats.moves += 1
            if gen is None:
                svc.supervision_sweep(now=at)
                self.stats.sweeps += 1
                yield None
                continue
            seq += 1
            try:
                heapq.heappush(heap, (next(gen), seq, gen))
            except StopIteration:
                pass
            except ApplicationError as exc:  # a plan the rules refuse: the ticket stays where it is
                self.stats.skipped += 1
                if self.stats.skipped <= 5:
                    progress(f"  （演示工单跳过一步：{exc}）")
            yield None

    def _run(self, progress: Callable[[str], None]) -> None:
        steps = self._steps(progress)
        done = False
        reported = 0
        while not done:
            with transaction.atomic():
                for _ in range(BATCH):
                    if next(steps, "end") == "end":
                        done = True
                        break
            if self.stats.tickets - reported >= 1000 or done:
                reported = self.stats.tickets
                progress(f"  网格事件：已生成 {self.stats.tickets} 件（{self.stats.moves} 步）")


def seed_tickets(seeder: DemoSeeder) -> TicketStats:
    """About 8,000 tickets (``DEMO_TICKETS`` overrides it; ``--scale`` scales it), plus the showcase ones."""
    per_year = int(os.environ.get("DEMO_TICKETS", TICKETS_PER_YEAR))
    count = max(60, round(per_year * seeder.scale)) if seeder.scale < 1 else per_year
    stats = TicketSeeder(seeder, count).run(seeder.progress)
    # The overdue tickets of today: the sweep as the periodic task would run it now.
    svc.supervision_sweep()
    return stats
