"""The catalogue of assessment indicators (考核指标库): each computed from the records for every subject of a
run at once, by grouped queries over the period (one or two per indicator, never one per subject).

An indicator has a Chinese label, a unit, a direction (higher or lower is better), the kinds of subject
it applies to (community, grid, grid worker) and a sentence saying how it is computed, which the
subject's sheet shows. ``compute(kind, subjects, start, end)`` answers a ``Figure`` per subject key; a
rate with nothing to divide by has the value ``None`` (the line is then left out of the total, see
``scoring``).

Where a module keeps a rollup the indicator reads it: the ticket counters of grids and communities come
from ``tickets.sums.totals`` (the daily and monthly rollups, grouped by grid or community). A grid
worker's ticket figures are read from the tickets they reported or handled.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.assessment.enums import Direction, SubjectKind

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

K = SubjectKind
ALL_KINDS = frozenset({K.COMMUNITY, K.GRID, K.WORKER})
PLACES = frozenset({K.COMMUNITY, K.GRID})


@dataclass(frozen=True)
class Subject:
    """One assessed community, grid or grid worker, with the place codes its result carries."""

    kind: str
    key: str  # community or grid code, or "u<user id>"
    name: str
    place_name: str
    district_code: str
    subdistrict_code: str
    community_code: str
    grid_code: str = ""
    user_id: int | None = None
    grid_codes: tuple[str, ...] = ()  # a grid worker's grids


@dataclass(frozen=True)
class Figure:
    value: float | None
    numerator: float | None = None
    denominator: float | None = None


@dataclass(frozen=True)
class Span:
    start: dt.date
    end: dt.date

    @property
    def until(self) -> dt.date:
        """The end, or today when the period is not over (nothing happens after today)."""
        return min(self.end, timezone.localdate())

    def aware(self) -> tuple[dt.datetime, dt.datetime]:
        tz = timezone.get_current_timezone()
        a = dt.datetime.combine(self.start, dt.time.min, tzinfo=tz)
        b = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        return a, b


Compute = Callable[[str, list[Subject], Span], dict[str, Figure]]


@dataclass(frozen=True)
class Indicator:
    key: str
    label: StrOrPromise
    unit: StrOrPromise
    direction: str
    kinds: frozenset[str]
    how: StrOrPromise
    compute: Compute


def _two(x: Decimal | float) -> float:
    return float(Decimal(str(x)).quantize(Decimal("0.01"), ROUND_HALF_UP))


def rate(num: float, den: float) -> Figure:
    if den <= 0:
        return Figure(None, num, den)
    return Figure(_two(Decimal(str(num)) * 100 / Decimal(str(den))), num, den)


def count(n: float) -> Figure:
    return Figure(_two(n), n, None)


# --- grouping: whose row is it ------------------------------------------------------------------------


def _area_q(subjects: list[Subject], prefix: str = "") -> Q:
    """Rows in the subjects' communities (the widest filter every indicator can apply on its own table)."""
    return Q(**{f"{prefix}community_code__in": sorted({s.community_code for s in subjects})})


def _place_field(kind: str) -> str:
    return "community_code" if kind == K.COMMUNITY else "grid_code"


def _by_place(kind: str, subjects: list[Subject], rows: Iterable[tuple[str, float]]) -> dict[str, float]:
    wanted = {s.key for s in subjects}
    out: dict[str, float] = defaultdict(float)
    for key, n in rows:
        if key in wanted:
            out[key] += float(n or 0)
    return out


def _by_user(subjects: list[Subject], rows: Iterable[tuple[int | None, float]]) -> dict[str, float]:
    out: dict[str, float] = defaultdict(float)
    for uid, n in rows:
        if uid is not None:
            out[f"u{uid}"] += float(n or 0)
    return out


def _counts(kind: str, subjects: list[Subject], rows: dict[str, float]) -> dict[str, Figure]:
    return {s.key: count(rows.get(s.key, 0)) for s in subjects}


def grouped(kind: str, subjects: list[Subject], qs: Any, *, user_field: str, agg: Any) -> dict[str, float]:
    """One grouped query: ``agg`` per community / grid / user of ``qs`` (already filtered to the period)."""
    if kind == K.WORKER:
        ids = sorted(s.user_id for s in subjects if s.user_id is not None)
        rows = qs.filter(**{f"{user_field}__in": ids}).values_list(user_field).annotate(n=agg).order_by()
        return _by_user(subjects, rows)
    field = _place_field(kind)
    rows = qs.filter(_area_q(subjects)).values_list(field).annotate(n=agg).order_by()
    return _by_place(kind, subjects, rows)


# --- tickets ------------------------------------------------------------------------------------------


def _rollup(kind: str, subjects: list[Subject], span: Span) -> dict[str, dict[str, int]]:
    """The ticket rollup counters per grid or community over the period (tickets.sums: one grouped read)."""
    from gongzhi.tickets import sums

    district = subjects[0].district_code
    return sums.totals({"district_code": district}, span.start, span.end, by=_place_field(kind))


def _zero_counts() -> dict[str, int]:
    from gongzhi.tickets.models import STAT_FIELDS

    return dict.fromkeys(STAT_FIELDS, 0)


def _worker_tickets(subjects: list[Subject], span: Span) -> dict[str, dict[str, float]]:
    """Per grid worker: the tickets they reported in the period; the tickets they handled in the period, of
    those how many were first handled by the deadline, their reworks, their callbacks in the period and the
    satisfied ones."""
    from gongzhi.tickets.enums import Move, Satisfaction
    from gongzhi.tickets.models import Ticket, TicketEvent

    ids = sorted(s.user_id for s in subjects if s.user_id is not None)
    a, b = span.aware()
    out: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for uid, n in (
        Ticket.objects.filter(reporter_id__in=ids, created_at__gte=a, created_at__lt=b)
        .values_list("reporter_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        out[f"u{uid}"]["found"] = n
    # The tickets a worker handled: those with a handling move of theirs in the period (the ticket's
    # handler field names a person only when a dispatch named one).
    pairs = set(
        TicketEvent.objects.filter(move=Move.HANDLE, actor_id__in=ids, at__gte=a, at__lt=b)
        .values_list("actor_id", "ticket_id")
        .distinct()
    )
    facts = {
        pk: (deadline, first, reworks, called, sat)
        for pk, deadline, first, reworks, called, sat in Ticket.objects.filter(
            pk__in=sorted({t for _u, t in pairs})
        ).values_list("pk", "deadline", "first_handled_at", "rework_count", "called_back_at", "satisfaction")
    }
    good = {Satisfaction.SATISFIED, Satisfaction.FAIRLY}
    for uid, ticket in sorted(pairs):
        deadline, first, reworks, called, sat = facts[ticket]
        row = out[f"u{uid}"]
        row["handled"] += 1
        if deadline is not None and first is not None:
            row["due"] += 1
            row["on_time"] += 1 if first <= deadline else 0
        row["reworked"] += reworks or 0
        if called is not None and a <= called < b:
            row["callbacks"] += 1
            row["satisfied"] += 1 if sat in good else 0
    return out


def _ticket_figure(
    pick: Callable[[dict[str, float]], Figure], worker_pick: Callable[[dict[str, float]], Figure]
) -> Compute:
    def compute(kind: str, subjects: list[Subject], span: Span) -> dict[str, Figure]:
        if kind == K.WORKER:
            per = _worker_tickets(subjects, span)
            return {s.key: worker_pick(per.get(s.key, {})) for s in subjects}
        roll = _rollup(kind, subjects, span)
        zero = _zero_counts()
        return {s.key: pick({k: float(v) for k, v in roll.get(s.key, zero).items()}) for s in subjects}

    return compute


def _found(kind: str, subjects: list[Subject], span: Span) -> dict[str, Figure]:
    from gongzhi.tickets.enums import Channel
    from gongzhi.tickets.models import Ticket

    if kind == K.WORKER:
        per = _worker_tickets(subjects, span)
        return {s.key: count(per.get(s.key, {}).get("found", 0)) for s in subjects}
    a, b = span.aware()
    qs = Ticket.objects.filter(channel=Channel.PATROL, created_at__gte=a, created_at__lt=b)
    return _counts(kind, subjects, grouped(kind, subjects, qs, user_field="reporter_id", agg=Count("pk")))


# --- patrols ------------------------------------------------------------------------------------------


def working_days(span: Span) -> int:
    from gongzhi.workdays.calendar import is_workday

    n, day = 0, span.start
    while day <= span.until:
        n += 1 if is_workday(day) else 0
        day += dt.timedelta(days=1)
    return n


def _patrol_coverage(kind: str, subjects: list[Subject], span: Span) -> dict[str, Figure]:
    """Days with a patrol / working days in the period (so far); a community: summed over its grids."""
    from gongzhi.tickets.models import Patrol

    days = working_days(span)
    qs = Patrol.objects.filter(day__gte=span.start, day__lte=span.until)
    if kind == K.WORKER:
        per = grouped(kind, subjects, qs, user_field="worker_id", agg=Count("day", distinct=True))
        return {s.key: rate(min(per.get(s.key, 0), days), days) for s in subjects}
    by_grid = dict(
        qs.filter(_area_q(subjects))
        .values_list("grid_code")
        .annotate(n=Count("day", distinct=True))
        .order_by()
    )
    if kind == K.GRID:
        return {s.key: rate(min(by_grid.get(s.key, 0), days), days) for s in subjects}
    from gongzhi.places.models import Grid

    grids: dict[str, list[str]] = defaultdict(list)
    for code, community in Grid.objects.filter(_area_q(subjects)).values_list("code", "community_code"):
        grids[community].append(code)
    return {
        s.key: rate(
            sum(min(by_grid.get(g, 0), days) for g in grids.get(s.key, [])), days * len(grids.get(s.key, []))
        )
        for s in subjects
    }


# --- care ---------------------------------------------------------------------------------------------

INTERVAL_DAYS = {"weekly": 7, "biweekly": 14, "monthly": 30, "quarterly": 91}


def _care_visits(kind: str, subjects: list[Subject], span: Span) -> dict[str, Figure]:
    """Visits done / visits due: each person in a care group owes one visit per interval of their frequency
    while they are in the group during the period (at least one); a visit beyond what is due counts once."""
    from gongzhi.care.models import CareMembership, Visit

    until = span.until
    members = CareMembership.objects.filter(entered_on__lte=until).filter(
        Q(exited_on__isnull=True) | Q(exited_on__gte=span.start)
    )
    if kind == K.WORKER:
        ids = sorted(s.user_id for s in subjects if s.user_id is not None)
        members = members.filter(carer_id__in=ids)
    else:
        members = members.filter(_area_q(subjects))
    rows = list(
        members.values_list(
            "person_id", "frequency", "entered_on", "exited_on", "grid_code", "community_code", "carer_id"
        )
    )
    done = dict(
        Visit.objects.filter(
            person_id__in=sorted({r[0] for r in rows}), visited_on__gte=span.start, visited_on__lte=until
        )
        .values_list("person_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    due: dict[str, float] = defaultdict(float)
    got: dict[str, float] = defaultdict(float)
    for person, freq, entered, exited, grid, community, carer in rows:
        a, b = max(entered, span.start), min(exited or until, until)
        if b < a:
            continue
        owed = max(1, ((b - a).days + 1) // INTERVAL_DAYS.get(freq, 30))
        key = community if kind == K.COMMUNITY else grid if kind == K.GRID else f"u{carer}"
        due[key] += owed
        got[key] += min(done.get(person, 0), owed)
    return {s.key: rate(got.get(s.key, 0), due.get(s.key, 0)) for s in subjects}


# --- party, volunteers, mediation, points ---------------------------------------------------------------


def _party_members(kind: str, subjects: list[Subject], span: Span) -> dict[str, Figure]:
    from gongzhi.party.enums import MemberStatus
    from gongzhi.party.models import PartyMember

    qs = PartyMember.objects.filter(status=MemberStatus.ACTIVE)
    return _counts(kind, subjects, grouped(kind, subjects, qs, user_field="user_id", agg=Count("pk")))


def _dual_registered(kind: str, subjects: list[Subject], span: Span) -> dict[str, Figure]:
    from gongzhi.party.enums import RegistrationStatus
    from gongzhi.party.models import MemberRegistration

    qs = MemberRegistration.objects.filter(status=RegistrationStatus.ACCEPTED)
    return _counts(kind, subjects, grouped(kind, subjects, qs, user_field="member__user_id", agg=Count("pk")))


def _member_service(kind: str, subjects: list[Subject], span: Span) -> dict[str, Figure]:
    from gongzhi.party.enums import RecordStatus
    from gongzhi.party.models import ServiceRecord

    qs = ServiceRecord.objects.filter(
        status=RecordStatus.CONFIRMED, served_on__gte=span.start, served_on__lte=span.end
    )
    return _counts(kind, subjects, grouped(kind, subjects, qs, user_field="member__user_id", agg=Count("pk")))


def _volunteer_hours(kind: str, subjects: list[Subject], span: Span) -> dict[str, Figure]:
    from gongzhi.volunteers.enums import HoursStatus
    from gongzhi.volunteers.models import ServiceHours

    qs = ServiceHours.objects.filter(
        status=HoursStatus.CONFIRMED, served_on__gte=span.start, served_on__lte=span.end
    )
    per = grouped(kind, subjects, qs, user_field="volunteer__user_id", agg=Sum("hours"))
    return _counts(kind, subjects, per)


def _mediation_closed(kind: str, subjects: list[Subject], span: Span) -> dict[str, Figure]:
    from gongzhi.mediation.models import Case

    qs = Case.objects.filter(closed_on__gte=span.start, closed_on__lte=span.end)
    return _counts(kind, subjects, grouped(kind, subjects, qs, user_field="reported_by_id", agg=Count("pk")))


def _points_claims(kind: str, subjects: list[Subject], span: Span) -> dict[str, Figure]:
    from gongzhi.points.enums import ClaimStatus
    from gongzhi.points.models import Claim

    a, b = span.aware()
    qs = Claim.objects.filter(
        status__in=[ClaimStatus.APPROVED, ClaimStatus.CHANGED], decided_at__gte=a, decided_at__lt=b
    )
    return _counts(kind, subjects, grouped(kind, subjects, qs, user_field="reported_by_id", agg=Count("pk")))


# --- the catalogue -------------------------------------------------------------------------------------

H, L = Direction.HIGHER, Direction.LOWER

CATALOGUE: dict[str, Indicator] = {
    i.key: i
    for i in [
        Indicator(
            "patrol_coverage",
            _("巡查覆盖率"),
            "%",
            H,
            ALL_KINDS,
            _("有巡查记录的天数 ÷ 考核期内（截至今日）的工作日数；社区按所辖网格合计"),
            _patrol_coverage,
        ),
        Indicator(
            "tickets_found",
            _("巡查发现上报工单"),
            _("件"),
            H,
            ALL_KINDS,
            _("考核期内网格员巡查上报的工单数（网格员：本人上报的工单）"),
            _found,
        ),
        Indicator(
            "tickets_on_time",
            _("按期办结工单"),
            _("件"),
            H,
            ALL_KINDS,
            _("考核期内按处置时限办结的工单数（网格、社区取工单统计日汇总；网格员：本人处置的工单）"),
            _ticket_figure(lambda c: count(c["on_time"]), lambda c: count(c.get("on_time", 0))),
        ),
        Indicator(
            "on_time_rate",
            _("按期处置率"),
            "%",
            H,
            ALL_KINDS,
            _("按期办结数 ÷ 应办结数"),
            _ticket_figure(
                lambda c: rate(c["on_time"], c["due"]), lambda c: rate(c.get("on_time", 0), c.get("due", 0))
            ),
        ),
        Indicator(
            "rework_count",
            _("返工次数"),
            _("次"),
            L,
            ALL_KINDS,
            _("考核期内核查不通过、退回重办的次数（越少越好）"),
            _ticket_figure(lambda c: count(c["reworked"]), lambda c: count(c.get("reworked", 0))),
        ),
        Indicator(
            "satisfaction_rate",
            _("群众满意率"),
            "%",
            H,
            ALL_KINDS,
            _("回访评价为满意或基本满意的工单数 ÷ 回访工单数"),
            _ticket_figure(
                lambda c: rate(c["satisfied"], c["callbacks"]),
                lambda c: rate(c.get("satisfied", 0), c.get("callbacks", 0)),
            ),
        ),
        Indicator(
            "care_visits",
            _("重点人群走访完成率"),
            "%",
            H,
            ALL_KINDS,
            _("已完成走访 ÷ 按走访频次应走访次数（每人每周期至少一次，超出不计）；网格员按其包联对象"),
            _care_visits,
        ),
        Indicator(
            "party_members", _("在册党员"), _("人"), H, PLACES, _("截至计算时在册的党员人数"), _party_members
        ),
        Indicator(
            "dual_registered",
            _("双报到在职党员"),
            _("人"),
            H,
            PLACES,
            _("截至计算时已接收的在职党员报到人数"),
            _dual_registered,
        ),
        Indicator(
            "member_service",
            _("党员服务记录"),
            _("次"),
            H,
            PLACES,
            _("考核期内已确认的党员（报到党员）服务记录数"),
            _member_service,
        ),
        Indicator(
            "volunteer_hours",
            _("志愿服务时长"),
            _("小时"),
            H,
            PLACES,
            _("考核期内已确认的志愿服务时长合计"),
            _volunteer_hours,
        ),
        Indicator(
            "mediation_closed",
            _("调解结案"),
            _("件"),
            H,
            PLACES,
            _("考核期内结案的人民调解案件数"),
            _mediation_closed,
        ),
        Indicator(
            "points_claims",
            _("积分申报通过"),
            _("件"),
            H,
            PLACES,
            _("考核期内评议通过的居民积分申报数"),
            _points_claims,
        ),
    ]
}


def subjects_of(kind: str, *, district_code: str, subdistrict_code: str = "") -> list[Subject]:
    """Every community, grid or grid worker (a grid worker or grid head of a grid) of the district or of
    one subdistrict, in code order."""
    from gongzhi.accounts.models import RoleAssignment
    from gongzhi.core.roles import GRID_STAFF
    from gongzhi.places.models import Community, Grid

    prefix = subdistrict_code[:9] if subdistrict_code else district_code
    if kind == K.COMMUNITY:
        return [
            Subject(K.COMMUNITY, c.code, c.name, sub, c.code[:6], c.subdistrict.code, c.code)
            for c in Community.objects.filter(code__startswith=prefix).select_related("subdistrict")
            for sub in [c.subdistrict.name]
        ]
    grids = list(Grid.objects.filter(code__startswith=prefix).select_related("community").order_by("code"))
    if kind == K.GRID:
        return [
            Subject(
                K.GRID,
                g.code,
                g.name,
                g.community.name,
                g.district_code,
                g.subdistrict_code,
                g.community_code,
                g.code,
            )
            for g in grids
        ]
    by_code = {g.code: g for g in grids}
    mine: dict[int, list[str]] = defaultdict(list)
    names: dict[int, str] = {}
    for uid, code, display, username in (
        RoleAssignment.objects.filter(
            active=True, role__in=sorted(GRID_STAFF), place_code__in=sorted(by_code)
        )
        .values_list("user_id", "place_code", "user__display_name", "user__username")
        .order_by("place_code", "user_id")
    ):
        mine[uid].append(code)
        names[uid] = display or username
    out = []
    for uid, codes in mine.items():
        g = by_code[sorted(codes)[0]]
        out.append(
            Subject(
                K.WORKER,
                f"u{uid}",
                names[uid],
                "、".join(by_code[c].name for c in sorted(set(codes))),
                g.district_code,
                g.subdistrict_code,
                g.community_code,
                g.code,
                uid,
                tuple(sorted(set(codes))),
            )
        )
    return sorted(out, key=lambda s: (s.grid_code, s.key))


def for_kind(kind: str) -> list[Indicator]:
    return [i for i in CATALOGUE.values() if kind in i.kinds]


def compute(
    keys: Iterable[str], kind: str, subjects: list[Subject], span: Span
) -> dict[str, dict[str, Figure]]:
    """indicator key → subject key → figure, for every subject at once."""
    if not subjects:
        return {k: {} for k in keys}
    return {k: CATALOGUE[k].compute(kind, subjects, span) for k in keys}
