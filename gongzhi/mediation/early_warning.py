"""The early warning (未诉先办) computed from the records: the signals of one district as of a day, each
with its evidence, by the rules and thresholds the district admin keeps (``WarningRule``).

- ``repeat``: one building (its households), or one household outside any registered building, reporting
  ``threshold`` tickets or more within the window;
- ``group``: one problem (ticket category) reported by ``threshold`` households or more of one community;
- ``neighbour_reopened``: a 邻里纠纷 ticket reopened or rated dissatisfied within the window;
- ``agreement_broken``: a mediation agreement found not kept at its follow-up within the window.

Every count is one aggregate query in the database on the tickets' district and report time (the
indexes ``ticket_created_idx`` / ``ticket_dist_status_idx``), never a scan in Python; the evidence of
the flagged groups is read in a second query bounded by ``EVIDENCE_MAX`` per signal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q
from django.utils import timezone

from gongzhi.mediation.enums import NEIGHBOUR_CATEGORY, CaseStatus, WarningKind

# The rules a district starts with until its admin changes them: (window in days, threshold).
DEFAULT_RULES: dict[str, tuple[int, int]] = {
    WarningKind.REPEAT: (30, 3),
    WarningKind.GROUP: (30, 10),
    WarningKind.NEIGHBOUR_REOPENED: (30, 1),
    WarningKind.AGREEMENT_BROKEN: (30, 1),
}
EVIDENCE_MAX = 20


@dataclass
class Signal:
    kind: str
    key: str
    community_code: str
    grid_code: str
    subject: str
    count: int
    evidence: list[str] = field(default_factory=list)
    case_id: int | None = None


@dataclass(frozen=True)
class Rule:
    kind: str
    window_days: int
    threshold: int
    active: bool = True


def rules_of(district_code: str) -> dict[str, Rule]:
    from gongzhi.mediation.models import WarningRule

    out = {k: Rule(k, w, t) for k, (w, t) in DEFAULT_RULES.items()}
    for row in WarningRule.objects.filter(district_code=district_code):
        out[row.kind] = Rule(row.kind, row.window_days, row.threshold, row.active)
    return out


def _number(created_at: dt.datetime, pk: int) -> str:
    return f"{timezone.localtime(created_at):%Y%m%d}-{pk:07d}"


def _window(until: dt.datetime, days: int) -> tuple[dt.datetime, dt.datetime]:
    return until - dt.timedelta(days=days), until


def repeat_signals(district_code: str, rule: Rule, until: dt.datetime) -> list[Signal]:
    from gongzhi.places.models import Building
    from gongzhi.tickets.models import Ticket

    since, until = _window(until, rule.window_days)
    base = Ticket.objects.filter(
        district_code=district_code, created_at__gte=since, created_at__lt=until, household__isnull=False
    )
    groups = list(
        base.values("household__building_id")
        .annotate(n=Count("id"), community=Max("community_code"), grid=Max("grid_code"))
        .filter(n__gte=rule.threshold, household__building_id__isnull=False)
        .order_by("-n")
    )
    if not groups:
        return []
    ids = [g["household__building_id"] for g in groups]
    names = {
        b.pk: f"{b.estate.name if b.estate is not None else ''}{b.number}号楼"
        for b in Building.objects.filter(pk__in=ids).select_related("estate")
    }
    evidence: dict[int, list[str]] = {}
    for pk, created, building in (
        base.filter(household__building_id__in=ids)
        .order_by("created_at", "id")
        .values_list("id", "created_at", "household__building_id")
    ):
        rows = evidence.setdefault(building, [])
        if len(rows) < EVIDENCE_MAX:
            rows.append(_number(created, pk))
    return [
        Signal(
            kind=WarningKind.REPEAT,
            key=f"building:{g['household__building_id']}",
            community_code=g["community"],
            grid_code=g["grid"] or "",
            subject=f"{names.get(g['household__building_id'], '')}{rule.window_days}天内反映{g['n']}次",
            count=g["n"],
            evidence=evidence.get(g["household__building_id"], []),
        )
        for g in groups
    ]


def household_signals(district_code: str, rule: Rule, until: dt.datetime) -> list[Signal]:
    """Repeat complaints of one household that belongs to no registered building (one query + evidence)."""
    from gongzhi.places.models import Household
    from gongzhi.tickets.models import Ticket

    since, until = _window(until, rule.window_days)
    base = Ticket.objects.filter(
        district_code=district_code,
        created_at__gte=since,
        created_at__lt=until,
        household__isnull=False,
        household__building__isnull=True,
    )
    groups = list(
        base.values("household_id")
        .annotate(n=Count("id"), community=Max("community_code"), grid=Max("grid_code"))
        .filter(n__gte=rule.threshold)
        .order_by("-n")[:500]
    )
    if not groups:
        return []
    ids = [g["household_id"] for g in groups]
    addresses = dict(Household.objects.filter(pk__in=ids).values_list("pk", "address"))
    evidence: dict[int, list[str]] = {}
    for pk, created, household in (
        base.filter(household_id__in=ids)
        .order_by("created_at", "id")
        .values_list("id", "created_at", "household_id")
    ):
        rows = evidence.setdefault(household, [])
        if len(rows) < EVIDENCE_MAX:
            rows.append(_number(created, pk))
    return [
        Signal(
            kind=WarningKind.REPEAT,
            key=f"household:{g['household_id']}",
            community_code=g["community"],
            grid_code=g["grid"] or "",
            subject=f"{addresses.get(g['household_id'], '')}{rule.window_days}天内反映{g['n']}次",
            count=g["n"],
            evidence=evidence.get(g["household_id"], []),
        )
        for g in groups
    ]


def group_signals(district_code: str, rule: Rule, until: dt.datetime) -> list[Signal]:
    from gongzhi.tickets.models import Category, Ticket

    since, until = _window(until, rule.window_days)
    base = Ticket.objects.filter(
        district_code=district_code,
        created_at__gte=since,
        created_at__lt=until,
        household__isnull=False,
        category__isnull=False,
    )
    groups = list(
        base.values("community_code", "category_id")
        .annotate(h=Count("household_id", distinct=True))
        .filter(h__gte=rule.threshold)
        .order_by("-h")
    )
    if not groups:
        return []
    names = dict(Category.objects.filter(pk__in=[g["category_id"] for g in groups]).values_list("id", "name"))
    out = []
    for g in groups:
        rows = (
            base.filter(community_code=g["community_code"], category_id=g["category_id"])
            .order_by("created_at", "id")
            .values_list("id", "created_at")[:EVIDENCE_MAX]
        )
        out.append(
            Signal(
                kind=WarningKind.GROUP,
                key=f"category:{g['category_id']}",
                community_code=g["community_code"],
                grid_code="",
                subject=f"“{names.get(g['category_id'], '')}”{rule.window_days}天内{g['h']}户反映，可能形成群体诉求",
                count=g["h"],
                evidence=[_number(c, pk) for pk, c in rows],
            )
        )
    return out


def neighbour_signals(district_code: str, rule: Rule, until: dt.datetime) -> list[Signal]:
    from gongzhi.tickets.enums import Satisfaction
    from gongzhi.tickets.models import Ticket

    since, until = _window(until, rule.window_days)
    rows = (
        Ticket.objects.filter(
            district_code=district_code,
            created_at__gte=since,
            created_at__lt=until,
            category__code__startswith=NEIGHBOUR_CATEGORY,
        )
        .filter(Q(reopen_count__gt=0) | Q(satisfaction=Satisfaction.DISSATISFIED))
        .order_by("created_at", "id")
        .values_list("id", "created_at", "community_code", "grid_code", "title", "reopen_count")
    )
    return [
        Signal(
            kind=WarningKind.NEIGHBOUR_REOPENED,
            key=f"ticket:{pk}",
            community_code=community,
            grid_code=grid,
            subject=f"邻里纠纷“{title}”{'重办' if reopened else '回访不满意'}",
            count=max(1, reopened),
            evidence=[_number(created, pk)],
        )
        for pk, created, community, grid, title, reopened in rows
    ]


def broken_signals(district_code: str, rule: Rule, until: dt.datetime) -> list[Signal]:
    from gongzhi.mediation.models import Case

    since, until = _window(until, rule.window_days)
    rows = (
        Case.objects.filter(
            district_code=district_code,
            kept=False,
            followed_up_on__gte=since.date(),
            followed_up_on__lt=until.date(),
        )
        .exclude(status=CaseStatus.CLOSED, satisfaction="satisfied")
        .select_related("committee")
    )
    out = []
    for case in rows:
        evidence = [case.agreement_number or case.number]
        if case.ticket_id:
            evidence.append(f"工单{case.ticket_id}")
        out.append(
            Signal(
                kind=WarningKind.AGREEMENT_BROKEN,
                key=f"case:{case.pk}",
                community_code=case.community_code,
                grid_code=case.grid_code,
                subject=f"调解协议未履行：{case.title}",
                count=1,
                evidence=evidence,
                case_id=case.pk,
            )
        )
    return out


def repeat_all(district_code: str, rule: Rule, until: dt.datetime) -> list[Signal]:
    return repeat_signals(district_code, rule, until) + household_signals(district_code, rule, until)


COMPUTE: dict[str, Callable[[str, Rule, dt.datetime], list[Signal]]] = {
    WarningKind.REPEAT: repeat_all,
    WarningKind.GROUP: group_signals,
    WarningKind.NEIGHBOUR_REOPENED: neighbour_signals,
    WarningKind.AGREEMENT_BROKEN: broken_signals,
}


def signals_of(district_code: str, until: dt.datetime) -> list[Signal]:
    """Every signal of the district's active rules for the window ending at ``until``."""
    out: list[Signal] = []
    for kind, rule in rules_of(district_code).items():
        if rule.active:
            out.extend(COMPUTE[kind](district_code, rule, until))
    return out
