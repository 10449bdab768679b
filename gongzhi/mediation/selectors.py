"""Reads of people's mediation, the actor's scope applied; missing and forbidden are the same 404.

Who sees what:
- the committee handling a case (community staff of its community, the subdistrict office for a
  subdistrict committee or team, a mediator assigned with an account) and the district admin: the case
  and its parties (masked; the full values only through ``disputant_reveal``, audited);
- the readers of a place (subdistrict office, auditor): its cases with the parties masked;
- a grid worker or grid head: the cases they reported, not others';
- committees, rooms, the public mediator pool: every signed-in staff account of the place;
- warnings: the place readers and grid staff of the warning's place.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from gongzhi.core.errors import NotFound
from gongzhi.core.roles import COMMUNITY_STAFF, DISTRICT_ADMINS, GRID_STAFF, PLACE_READERS, SUBDISTRICT_STAFF
from gongzhi.core.scope import scope_of
from gongzhi.mediation.enums import CONCLUDED, CaseStatus, Outcome, WarningStatus
from gongzhi.mediation.models import (
    Analysis,
    Case,
    Committee,
    Consultation,
    DisputeWarning,
    Mediator,
    Room,
    Screening,
    Visit,
)

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def handler_q(actor: Actor, prefix: str = "") -> Q:
    """Cases (or committees, with ``prefix=""`` on a committee) the actor's committee handles."""
    scope = scope_of(actor)
    if scope.superuser:
        return Q()
    c = "committee__" if prefix == "case" else ""
    codes = scope.codes(COMMUNITY_STAFF)["community"]
    subs = scope.codes(SUBDISTRICT_STAFF)["subdistrict"]
    admin = scope.codes(DISTRICT_ADMINS)["district"]
    q = Q(pk__in=[])
    if codes:
        q |= Q(**{f"{c}community_code__in": sorted(codes)})
    if subs:
        q |= Q(**{f"{c}subdistrict_code__in": sorted(subs), f"{c}community_code": ""})
    if admin:
        q |= Q(district_code__in=sorted(admin))
    return q


def case_list_for_actor(
    *,
    actor: Actor,
    status: str = "",
    kind: str = "",
    committee_id: int | None = None,
    community_code: str = "",
    year: int | None = None,
    q: str = "",
) -> QuerySet[Case]:
    scope = scope_of(actor)
    mine = Q(reported_by_id=actor.pk) | Q(mediator_links__mediator__user_id=actor.pk)
    qs = Case.objects.filter(
        Q(
            pk__in=Case.objects.filter(handler_q(actor, "case") | scope.place_q(PLACE_READERS) | mine).values(
                "pk"
            )
        )
    )
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if committee_id:
        qs = qs.filter(committee_id=committee_id)
    if community_code:
        qs = qs.filter(community_code=community_code)
    if year:
        qs = qs.filter(year=year)
    if q:
        qs = qs.filter(title__contains=q)
    return qs.select_related("committee", "room").order_by("-registered_on", "-id")


def case_get_for_actor(*, actor: Actor, case_id: int) -> Case:
    case = case_list_for_actor(actor=actor).filter(pk=case_id).first()
    if case is None:
        raise NotFound("案件不存在或无权查看")
    return case


def committee_list_for_actor(*, actor: Actor) -> QuerySet[Committee]:
    scope = scope_of(actor)
    return Committee.objects.filter(
        scope.place_q(PLACE_READERS) | handler_q(actor) | _grid_committees(actor)
    ).order_by("subdistrict_code", "community_code", "level", "name")


def _grid_committees(actor: Actor) -> Q:
    """Grid staff see the committees of their communities and subdistricts (to report a dispute)."""
    grids = scope_of(actor).codes(GRID_STAFF)["grid"]
    if not grids:
        return Q(pk__in=[])
    communities = sorted({g[:12] for g in grids})
    subs = sorted({g[:9] + "000" for g in grids})
    return Q(community_code__in=communities) | Q(subdistrict_code__in=subs, community_code="")


def committee_get_for_actor(*, actor: Actor, committee_id: int) -> Committee:
    row = committee_list_for_actor(actor=actor).filter(pk=committee_id).first()
    if row is None:
        raise NotFound("调委会不存在或无权查看")
    return row


def mediator_list_for_actor(*, actor: Actor, committee_id: int | None = None) -> QuerySet[Mediator]:
    committees = committee_list_for_actor(actor=actor)
    qs = Mediator.objects.filter(committee__in=committees, active=True).select_related("committee")
    if committee_id:
        qs = qs.filter(committee_id=committee_id)
    return qs.order_by("committee_id", "name")


def room_list_for_actor(*, actor: Actor) -> QuerySet[Room]:
    return Room.objects.filter(committee__in=committee_list_for_actor(actor=actor)).select_related(
        "committee", "venue"
    )


# What the public may read of the pool and the rooms (the API and the H5 page read only these).
PUBLIC_MEDIATOR_FIELDS = ("name", "kind", "speciality", "committee")
PUBLIC_ROOM_FIELDS = ("name", "place", "hours", "committee")


def room_list_public(*, district_code: str = "") -> list[dict[str, str]]:
    """The rooms of the active committees, for residents: name, place and hours (free text masked)."""
    from gongzhi.core.masking import mask_public_text

    qs = Room.objects.filter(committee__active=True).select_related("committee")
    if district_code:
        qs = qs.filter(district_code=district_code)
    rows = []
    for r in qs.order_by("committee__name", "name")[:500]:
        values = {"name": r.name, "place": r.place, "hours": r.hours, "committee": r.committee.name}
        rows.append({k: mask_public_text(values[k]) for k in PUBLIC_ROOM_FIELDS})
    return rows


def mediator_pool_public(*, district_code: str = "") -> list[dict[str, str]]:
    """The public mediator pool: names, specialities and committees, no contact data."""
    from gongzhi.core.masking import mask_public_text

    qs = Mediator.objects.filter(in_pool=True, active=True, committee__active=True).select_related(
        "committee"
    )
    if district_code:
        qs = qs.filter(district_code=district_code)
    rows = []
    for m in qs.order_by("committee__name", "name")[:500]:
        values = {
            "name": m.name,
            "kind": m.get_kind_display(),
            "speciality": mask_public_text(m.speciality),
            "committee": m.committee.name,
        }
        rows.append({k: values[k] for k in PUBLIC_MEDIATOR_FIELDS})
    return rows


def visitor_list_for_actor(
    *, actor: Actor, committee_id: int, since: dt.date, until: dt.date
) -> QuerySet[Visit]:
    committee = committee_get_for_actor(actor=actor, committee_id=committee_id)
    return Visit.objects.filter(committee=committee, visited_on__gte=since, visited_on__lte=until)


def consultation_list_for_actor(
    *, actor: Actor, committee_id: int, since: dt.date, until: dt.date
) -> QuerySet[Consultation]:
    committee = committee_get_for_actor(actor=actor, committee_id=committee_id)
    return Consultation.objects.filter(committee=committee, consulted_on__gte=since, consulted_on__lte=until)


def screening_list_for_actor(*, actor: Actor, week_start: dt.date | None = None) -> QuerySet[Screening]:
    scope = scope_of(actor)
    qs = Screening.objects.filter(scope.place_q(PLACE_READERS | GRID_STAFF))
    if week_start:
        qs = qs.filter(week_start=week_start)
    return qs.order_by("-week_start", "grid_code")


def analysis_list_for_actor(*, actor: Actor) -> QuerySet[Analysis]:
    scope = scope_of(actor)
    return Analysis.objects.filter(scope.place_q(PLACE_READERS)).order_by("-held_on", "-id")


def warning_list_for_actor(
    *, actor: Actor, status: str = "", community_code: str = "", week_start: dt.date | None = None
) -> QuerySet[DisputeWarning]:
    scope = scope_of(actor)
    qs = DisputeWarning.objects.filter(scope.place_q(PLACE_READERS | GRID_STAFF) | Q(handler_id=actor.pk))
    if status:
        qs = qs.filter(status=status)
    if community_code:
        qs = qs.filter(community_code=community_code)
    if week_start:
        qs = qs.filter(week_start=week_start)
    return qs.select_related("handler").order_by("-week_start", "status", "community_code", "kind", "id")


def warning_get_for_actor(*, actor: Actor, warning_id: int) -> DisputeWarning:
    row = warning_list_for_actor(actor=actor).filter(pk=warning_id).first()
    if row is None:
        raise NotFound("预警不存在或无权查看")
    return row


# --- figures ------------------------------------------------------------------------------------------


@dataclass
class Figures:
    """One row of the mediation figures: counts from the case records, the rate with its parts."""

    label: str
    cases: int = 0
    concluded: int = 0
    agreements: int = 0
    transfers: int = 0
    reported_up: int = 0
    kept: int = 0
    followed: int = 0
    days_total: int = 0
    days_count: int = 0

    @property
    def success_rate(self) -> float | None:
        return round(self.agreements / self.concluded, 4) if self.concluded else None

    @property
    def average_days(self) -> float | None:
        return round(self.days_total / self.days_count, 1) if self.days_count else None


def figures_for_actor(*, actor: Actor, year: int, by: str = "committee") -> list[Figures]:
    """Cases, success rate (agreements / cases concluded), transfers, report-ups, agreements kept and
    average days from registration to the end of mediation, per committee, community or subdistrict."""
    from gongzhi.places.models import Community, Subdistrict

    key = {"committee": "committee_id", "community": "community_code", "subdistrict": "subdistrict_code"}[by]
    rows = case_list_for_actor(actor=actor, year=year).values_list(
        key, "status", "outcome", "reported_up_on", "kept", "registered_on", "ended_on"
    )
    out: dict[Any, Figures] = defaultdict(lambda: Figures(label=""))
    for group, status, outcome, reported, kept, registered, ended in rows:
        f = out[group]
        f.cases += 1
        if status in CONCLUDED or outcome in (Outcome.AGREEMENT, Outcome.NO_AGREEMENT):
            f.concluded += 1
        if outcome == Outcome.AGREEMENT:
            f.agreements += 1
        if outcome == Outcome.TRANSFER:
            f.transfers += 1
        if reported:
            f.reported_up += 1
        if kept is not None:
            f.followed += 1
            f.kept += int(bool(kept))
        if ended:
            f.days_total += (ended - registered).days
            f.days_count += 1
    names: dict[Any, str]
    if by == "committee":
        names = dict(Committee.objects.filter(pk__in=list(out)).values_list("pk", "name"))
    elif by == "community":
        names = dict(Community.objects.filter(code__in=list(out)).values_list("code", "name"))
    else:
        names = dict(Subdistrict.objects.filter(code__in=list(out)).values_list("code", "name"))
    for group, f in out.items():
        f.label = names.get(group, "") or "—"
    return sorted(out.values(), key=lambda f: (-f.cases, f.label))


def mediation_counts() -> dict[str, Any]:
    """The overview's ``mediation`` key, from the records (district-wide sums, no personal data)."""
    year = timezone.localdate().year
    this_year = Case.objects.filter(year=year)
    by = this_year.aggregate(
        cases=Count("id"),
        agreements=Count("id", filter=Q(outcome=Outcome.AGREEMENT)),
        concluded=Count("id", filter=Q(outcome__in=[Outcome.AGREEMENT, Outcome.NO_AGREEMENT])),
    )
    return {
        "committees": Committee.objects.filter(active=True).count(),
        "rooms": Room.objects.count(),
        "cases_this_year": by["cases"],
        "agreements": by["agreements"],
        "success_rate": {
            "value": round(by["agreements"] / by["concluded"], 4) if by["concluded"] else None,
            "numerator": by["agreements"],
            "denominator": by["concluded"],
        },
        "warnings_open": DisputeWarning.objects.exclude(status=WarningStatus.CLOSED).count(),
    }


def overdue_reports_for_actor(*, actor: Actor) -> QuerySet[Case]:
    """Cases reported up whose reply is overdue."""
    return case_list_for_actor(actor=actor, status=CaseStatus.REPORTED).filter(reply_due__lt=timezone.now())
