"""The bench's ticket generator: pure Python, no database, so it is testable without PostgreSQL.

Every ticket is planned as the services would have moved it (report → accept or decline/merge →
escalate? → dispatch → respond → handle → verify (rework) → callback (dissatisfied: handled again) →
close), with realistic delays; the plan is cut at ``now`` (and, for a few tickets, at a step where they
got stuck), and the ticket row, its assignments, timeline, supervision cards and the DailyStat counters
are all derived from the moves that happened, so they agree with each other as the services would make
them. Times are integer Unix seconds until they are written out.

Approximations (said in docs/performance.md): deadlines count working days as 1.4 natural days and
working hours as 3 natural hours instead of asking the official calendar; there are no returns or
extensions; the timeline is written only for a sample of tickets.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from bench.ticket_text import ASKS, ESTATES, PLACES, RESULTS, SURNAMES, details_for
from gongzhi.core.textsearch import index_text

DAY = 86_400
HOUR = 3_600
LOCAL = 8 * HOUR  # Asia/Shanghai, no daylight saving
STAT_FIELDS = (
    "reported",
    "accepted",
    "declined",
    "merged",
    "dispatched",
    "returned",
    "escalated",
    "handled",
    "handling_seconds",
    "due",
    "on_time",
    "verifications",
    "reworked",
    "callbacks",
    "satisfied",
    "closed",
)
_F = {name: i for i, name in enumerate(STAT_FIELDS)}
STATUSES = (
    "reported",
    "accepted",
    "escalated",
    "returned",
    "dispatched",
    "in_progress",
    "handled",
    "verified",
    "called_back",
    "closed",
    "declined",
    "merged",
)
CHANNELS = (
    ("patrol", 45),
    ("resident", 25),
    ("hotline", 20),
    ("appointment", 4),
    ("assigned", 3),
    ("api", 3),
)
PLACE_LEVELS = ("grid", "community", "subdistrict", "district")


@dataclass(frozen=True)
class GridRef:
    code: str
    bbox: tuple[float, float, float, float]  # min lng, min lat, max lng, max lat (WGS-84)
    worker_id: int  # the grid worker: patrol reporter and first responder

    @property
    def community_code(self) -> str:
        return self.code[:12]

    @property
    def subdistrict_code(self) -> str:
        return self.code[:9] + "000"

    @property
    def district_code(self) -> str:
        return self.code[:6]


@dataclass(frozen=True)
class CategoryRef:
    id: int
    code: str
    name: str
    default_level: str
    department_id: int | None
    limit_amount: int
    limit_unit: str
    weight: int = 1


@dataclass
class World:
    """What the generator needs from the database: places, categories and who works where."""

    grids: Sequence[GridRef]
    categories: Sequence[CategoryRef]
    community_staff: dict[str, int]  # community code → a community worker's user id
    subdistrict_staff: dict[str, int]
    district_admin: int
    department_handlers: dict[int, int]  # department id → a handler's user id
    phones: Sequence[tuple[str, str, str]]  # (encrypted, hash, masked), a pool
    names: dict[int, str] = field(default_factory=dict)  # user id → display label
    now: int = 0  # Unix seconds
    years: float = 2.0


@dataclass(slots=True)
class Ticket:
    """One generated ticket: the row's fields that vary (the rest are constants of the writer)."""

    id: int
    created: int
    grid: GridRef
    category: CategoryRef
    channel: str
    title: str
    description: str
    address: str
    lng: float
    lat: float
    search_text: str
    reporter_id: int | None = None
    reporter_name: str = ""
    phone: tuple[str, str, str] = ("", "", "")
    channel_source: str = ""
    external_id: str = ""
    status: str = "reported"
    level: str = "grid"
    first_responder_id: int | None = None
    department_id: int | None = None
    handler_place_code: str = ""
    dispatcher_id: int | None = None
    dispatch_level: str = ""
    duplicate_of_id: int | None = None
    accepted_at: int | None = None
    dispatched_at: int | None = None
    respond_deadline: int | None = None
    responded_at: int | None = None
    deadline: int | None = None
    limit_amount: int | None = None
    limit_unit: str = ""
    red_at: int | None = None
    sla_counted: bool = False
    first_handled_at: int | None = None
    handled_at: int | None = None
    verified_at: int | None = None
    called_back_at: int | None = None
    closed_at: int | None = None
    result: str = ""
    satisfaction: str = ""
    rework_count: int = 0
    reopen_count: int = 0
    dissatisfied_count: int = 0
    escalation_count: int = 0
    supervision: str = ""
    updated: int = 0
    # (at, move, from, to, actor id, public note, data) — what happened, in order, as the services
    # record it (the data the rollup replay reads: dispatch department, handle on_time, verify passed …)
    events: list[tuple[int, str, str, str, int | None, str, dict[str, Any]]] = field(default_factory=list)
    # (supervision id, kind, issued at, resolved at or None, the deadline it was issued against)
    cards: list[tuple[int, str, int, int | None, int]] = field(default_factory=list)


def local_day(ts: int) -> int:
    """The local (Asia/Shanghai) day of a Unix time, as days since 1970-01-01."""
    return (ts + LOCAL) // DAY


def limit_seconds(amount: int, unit: str) -> int:
    """The bench's stand-in for the working-day calendar (see the module docstring)."""
    if unit == "working_days":
        return int(amount * 1.4 * DAY)
    if unit == "working_hours":
        return amount * 3 * HOUR
    if unit == "natural_days":
        return amount * DAY
    return amount * HOUR


@lru_cache(maxsize=200_000)
def _search_text(title: str, description: str, address: str) -> str:
    return index_text(title, description, address)


class Generator:
    """``Generator(world, n, seed).tickets()`` yields ``n`` tickets with ids 1..n, oldest first, and
    accumulates ``stats``: (local day, grid code, department id) → the 16 DailyStat counters."""

    def __init__(self, world: World, n: int, seed: int = 1) -> None:
        if not world.grids or not world.categories:
            raise ValueError("the world needs grids and categories")
        self.w = world
        self.n = n
        self.rng = random.Random(seed)
        self.now = world.now or int(time.time())
        self.start = self.now - int(world.years * 365 * DAY)
        self.stats: dict[tuple[int, str, int], list[int]] = {}
        self._cats = list(world.categories)
        self._cat_cum = list(itertools.accumulate(c.weight for c in self._cats))
        self._channels = [c for c, _w in CHANNELS]
        self._chan_cum = list(itertools.accumulate(w for _c, w in CHANNELS))
        self._last_in_grid: dict[str, int] = {}
        self.supervisions = 0  # ids of the supervision cards issued so far
        self._estate = {g.code: ESTATES[i % len(ESTATES)] for i, g in enumerate(world.grids)}

    # -- counters ------------------------------------------------------------------------------
    def count(self, ts: int, t: Ticket, dep: int | None, name: str, amount: int = 1) -> None:
        key = (local_day(ts), t.grid.code, dep or 0)
        row = self.stats.get(key)
        if row is None:
            row = self.stats[key] = [0] * len(STAT_FIELDS)
        row[_F[name]] += amount

    # -- one ticket ----------------------------------------------------------------------------
    def _pick(self, items: list, cum: list[int]) -> Any:
        return items[bisect.bisect_right(cum, self.rng.random() * cum[-1])]

    def _text(self, grid: GridRef, category: CategoryRef) -> tuple[str, str, str]:
        r = self.rng
        place = r.choice(PLACES).format(
            estate=self._estate[grid.code],
            building=1 + int(r.random() * 12),
            entrance=1 + int(r.random() * 3),
        )
        detail = r.choice(details_for(category.code))
        description = f"{place}{detail}，{r.choice(ASKS)}".rstrip("，")
        head = f"{category.name}：{description}"
        title = head[:40] + ("…" if len(head) > 40 else "")
        return title, description, place

    def _reporter(self, t: Ticket) -> None:
        r = self.rng
        if t.channel == "patrol":
            t.reporter_id = t.grid.worker_id
            t.reporter_name = self.w.names.get(t.grid.worker_id, "网格员")
        elif t.channel in ("resident", "hotline", "appointment"):
            t.reporter_name = r.choice(SURNAMES) + r.choice(("先生", "女士", "大爷", "阿姨"))
            t.phone = r.choice(self.w.phones) if self.w.phones else ("", "", "")
        if t.channel == "hotline":
            t.channel_source, t.external_id = "12345", f"JN{t.id:010d}"
        elif t.channel == "api":
            t.channel_source, t.external_id = "数字城管平台", f"CG{t.id:010d}"
        elif t.channel == "assigned":
            t.channel_source = "区网格化服务中心"

    def ticket(self, tid: int) -> Ticket:
        r, w = self.rng, self.w
        created = self.start + int((self.now - self.start) * (tid - 1 + r.random()) / self.n)
        hour = (created + LOCAL) % DAY / HOUR
        if hour < 7 and r.random() < 0.8:  # few reports at night
            created = min(created + int((7 - hour) * HOUR) + r.randrange(3 * HOUR), self.now - 60)
        grid = r.choice(w.grids)
        category = self._pick(self._cats, self._cat_cum)
        title, description, address = self._text(grid, category)
        x0, y0, x1, y1 = grid.bbox
        t = Ticket(
            id=tid,
            created=created,
            grid=grid,
            category=category,
            channel=self._pick(self._channels, self._chan_cum),
            title=title,
            description=description,
            address=address,
            lng=round(r.uniform(x0, x1), 6),
            lat=round(r.uniform(y0, y1), 6),
            search_text=_search_text(title, description, address),
        )
        self._reporter(t)
        self._live(t, self._plan(t))
        self._last_in_grid[grid.code] = tid
        return t

    def _plan(self, t: Ticket) -> list[tuple[int, str]]:
        """The moves this ticket would go through, with their times (possibly in the future)."""
        r = self.rng
        at = t.created
        plan: list[tuple[int, str]] = [(at, "report")]
        at += 300 + int(r.expovariate(1 / (3 * HOUR)))
        roll = r.random()
        if roll < 0.04:
            return [*plan, (at, "decline")]
        if roll < 0.06 and t.grid.code in self._last_in_grid:
            return [*plan, (at, "merge")]
        plan.append((at, "accept"))
        level = t.category.default_level
        if level == "grid" and r.random() < 0.08:
            at += int(r.expovariate(1 / (2 * HOUR)))
            plan.append((at, "escalate"))
        at += 60 + int(r.expovariate(1 / (2 * HOUR)))
        plan.append((at, "dispatch"))
        dispatched = at
        span = limit_seconds(t.category.limit_amount, t.category.limit_unit)
        deadline = dispatched + span
        handle = dispatched + int(span * r.lognormvariate(math.log(0.45), 0.6))
        if level == "department":  # 报到 first, then the handling
            respond = at + 60 + int(r.expovariate(1 / HOUR))
            plan.append((respond, "respond"))
            handle = max(handle, respond + 60)
        if handle > deadline + 60:  # the sweep (every few minutes) finds it overdue
            plan.append((deadline + 60, "yellow"))
            if handle > deadline + span + 60:
                plan.append((deadline + span + 60, "red"))
        plan.append((handle, "handle"))
        at = handle
        callback = t.channel not in ("patrol",) and bool(t.phone[1] or t.reporter_id)
        for attempt in range(3):
            at += 600 + int(r.expovariate(1 / (8 * HOUR)))
            if attempt < 2 and r.random() < 0.05:
                plan.append((at, "verify_fail"))
                at += int(r.expovariate(1 / DAY))
                plan.append((at, "handle"))
                continue
            plan.append((at, "verify_pass"))
            if callback:
                at += 600 + int(r.expovariate(1 / (12 * HOUR)))
                if attempt < 2 and r.random() < 0.05:
                    plan.append((at, "callback_dissatisfied"))
                    at += int(r.expovariate(1 / DAY))
                    plan.append((at, "handle"))
                    continue
                plan.append((at, "callback_ok"))
            break
        at += 300 + int(r.expovariate(1 / (4 * HOUR)))
        plan.append((at, "close"))
        plan.sort()
        return plan

    def _live(self, t: Ticket, plan: list[tuple[int, str]]) -> None:
        """Apply the moves that happened by now (a few tickets get stuck on the way)."""
        stop = len(plan)
        if len(plan) > 2 and self.rng.random() < 0.01:
            stop = self.rng.randrange(1, len(plan))
        for at, move in plan[:stop]:
            if at > self.now:
                break
            self._apply(t, at, move)
        t.updated = t.events[-1][0] if t.events else t.created

    def _apply(self, t: Ticket, at: int, move: str) -> None:
        r = self.rng
        old = t.status
        dep = t.department_id
        note = ""
        if move == "report":
            self.count(at, t, 0, "reported")
            self._event(
                t, at, move, "", t.reporter_id, "您反映的问题已提交，正在等待受理", {"channel": t.channel}
            )
            return
        if move in ("accept", "decline", "merge"):
            staff = t.grid.worker_id
            t.first_responder_id = staff
            if move == "accept":
                t.status, t.accepted_at = "accepted", at
                note = "已受理，由网格员负责跟进到底（首问负责）"
            else:
                t.status, t.closed_at = ("declined" if move == "decline" else "merged"), at
                if move == "merge":
                    t.duplicate_of_id = self._last_in_grid[t.grid.code]
                note = (
                    "经核实不予受理：不属于受理范围"
                    if move == "decline"
                    else "与已有工单反映的是同一问题，已合并办理"
                )
            self.count(at, t, 0, {"accept": "accepted", "decline": "declined", "merge": "merged"}[move])
            self._event(t, at, move, old, staff, note)
            return
        elif move == "escalate":
            t.status, t.level, t.escalation_count = "escalated", "community", t.escalation_count + 1
            self.count(at, t, 0, "escalated")
            self._event(t, at, move, old, t.grid.worker_id, "")
            return
        elif move == "dispatch":
            self._dispatch(t, at)
            self.count(at, t, t.department_id, "dispatched")
            data = {"level": t.level, "department": t.department_id, "place_code": t.handler_place_code}
            self._event(t, at, move, old, t.dispatcher_id, "已派至处置单位，请耐心等待", data)
            return
        elif move == "respond":
            t.status, t.responded_at = "in_progress", at
            self._event(t, at, move, old, self.w.department_handlers.get(dep or 0), "")
            return
        elif move in ("yellow", "red"):
            if t.status not in ("dispatched", "in_progress"):  # the sweep cards only what is being handled
                return
            t.supervision = move
            assert t.deadline is not None
            if move == "yellow" and not t.sla_counted:
                t.sla_counted = True
                self.count(t.deadline, t, dep, "due")
            self.supervisions += 1
            t.cards.append((self.supervisions, move, at, None, t.deadline))
            self._event(t, at, "supervise", old, None, "", {"kind": move, "supervision": self.supervisions})
            return
        elif move == "handle":
            t.status, t.handled_at = "handled", at
            t.result = r.choice(RESULTS)
            if t.responded_at is None:
                t.responded_at = at
            if t.first_handled_at is None:
                t.first_handled_at = at
                self.count(at, t, dep, "handled")
                self.count(at, t, dep, "handling_seconds", max(0, at - (t.dispatched_at or at)))
            if not t.sla_counted and t.deadline:
                t.sla_counted = True
                self.count(at, t, dep, "due")
                if at <= t.deadline:
                    self.count(at, t, dep, "on_time")
            t.cards = [(n, k, i, at if res is None else res, d) for n, k, i, res, d in t.cards]
            note = f"已处置：{t.result}"
            on_time = bool(t.deadline and at <= t.deadline)
            self._event(t, at, move, old, self._handler_of(t), note, {"on_time": on_time})
            return
        elif move in ("verify_pass", "verify_fail"):
            self.count(at, t, dep, "verifications")
            if move == "verify_pass":
                t.status, t.verified_at = "verified", at
                note = "经现场核查，问题已处置到位"
            else:
                t.status, t.rework_count = "in_progress", t.rework_count + 1
                self.count(at, t, dep, "reworked")
                note = "经现场核查未达到要求，已要求重新处置"
            self._event(t, at, "verify", old, t.grid.worker_id, note, {"passed": move == "verify_pass"})
            return
        elif move in ("callback_ok", "callback_dissatisfied"):
            self.count(at, t, dep, "callbacks")
            t.called_back_at = at
            if move == "callback_ok":
                t.status, t.satisfaction = "called_back", "satisfied" if r.random() < 0.86 else "fairly"
                self.count(at, t, dep, "satisfied")
                note = "回访评价：满意，感谢您的反馈"
            else:
                t.status, t.satisfaction = "in_progress", "dissatisfied"
                t.dissatisfied_count += 1
                t.reopen_count += 1
                span = limit_seconds(t.category.limit_amount, t.category.limit_unit)
                t.deadline, t.red_at, t.supervision = at + span, at + 2 * span, ""  # a new deadline
                note = "回访评价：不满意，工单已重新交办处置"
            caller = self.w.community_staff.get(t.grid.community_code)
            self._event(t, at, "callback", old, caller, note, {"satisfaction": t.satisfaction})
            return
        elif move == "close":
            t.status, t.closed_at = "closed", at
            self.count(t.created, t, dep, "closed")
            self._event(t, at, move, old, t.grid.worker_id, "工单已办结，感谢您的反映")
            return
        else:  # pragma: no cover - the plan only holds the moves above
            raise ValueError(move)

    def _dispatch(self, t: Ticket, at: int) -> None:
        c, w = t.category, self.w
        level = c.default_level if t.level == "grid" else t.level
        if level == "grid" and t.escalation_count:
            level = "community"
        t.dispatch_level = "community" if level in ("grid", "department") else level
        t.dispatcher_id = w.community_staff.get(t.grid.community_code, w.district_admin)
        if level == "department" and c.department_id:
            t.department_id, t.handler_place_code = c.department_id, ""
            t.respond_deadline = at + 2 * 3 * HOUR
        else:
            level = level if level in PLACE_LEVELS else "community"
            codes = {
                "grid": t.grid.code,
                "community": t.grid.community_code,
                "subdistrict": t.grid.subdistrict_code,
                "district": t.grid.district_code,
            }
            t.handler_place_code = codes[level]
        t.level = level
        t.status, t.dispatched_at = "dispatched", at
        t.limit_amount, t.limit_unit = c.limit_amount, c.limit_unit
        span = limit_seconds(c.limit_amount, c.limit_unit)
        t.deadline, t.red_at, t.supervision = at + span, at + 2 * span, ""

    def _handler_of(self, t: Ticket) -> int | None:
        w = self.w
        if t.level == "department":
            return w.department_handlers.get(t.department_id or 0)
        if t.level == "grid":
            return t.grid.worker_id
        if t.level == "community":
            return w.community_staff.get(t.grid.community_code)
        if t.level == "subdistrict":
            return w.subdistrict_staff.get(t.grid.subdistrict_code)
        return w.district_admin

    def _event(
        self,
        t: Ticket,
        at: int,
        move: str,
        old: str,
        actor: int | None,
        public: str,
        data: dict[str, Any] | None = None,
    ) -> None:
        t.events.append((at, move, old, t.status, actor, public, data or {}))

    def tickets(self) -> Iterator[Ticket]:
        for tid in range(1, self.n + 1):
            yield self.ticket(tid)
