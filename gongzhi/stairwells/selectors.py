"""Reads of stairwells, their captains, elections and inspections, with the actor's scope applied;
the register's rows and the figures per community. Missing and forbidden rows are the same 404.

Who sees what: the staff and the auditor of a place (``TICKET_READERS``) see its stairwells; a resident
the stairwells of their household; a party member the stairwell they live on.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from gongzhi.core.errors import NotFound
from gongzhi.core.roles import TICKET_READERS
from gongzhi.core.scope import scope_of
from gongzhi.stairwells import naming
from gongzhi.stairwells.enums import CaptainKind, ElectionStatus, NamingStatus
from gongzhi.stairwells.models import Captain, CaptainElection, Stairwell, StairwellInspection

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def _own_entrances(actor: Actor) -> list[tuple[int, str]]:
    """(building, entrance) of the actor's households and of the party member's own home."""
    from gongzhi.party.models import PartyMember
    from gongzhi.places.models import Household

    out: set[tuple[int, str]] = set()
    ids = sorted(scope_of(actor).household_ids)
    if ids:
        out |= set(
            Household.objects.filter(pk__in=ids, building__isnull=False).values_list(
                "building_id", "entrance"
            )
        )
    pk = getattr(actor, "pk", None)
    if pk:
        out |= set(
            PartyMember.objects.filter(user_id=pk, person__household__building__isnull=False).values_list(
                "person__household__building_id", "person__household__entrance"
            )
        )
    return sorted(out)


def stairwell_visible_q(actor: Actor) -> Q:
    q = scope_of(actor).place_q(TICKET_READERS)
    for building_id, entrance in _own_entrances(actor):
        q |= Q(building_id=building_id, entrance=entrance)
    return q


def stairwell_staff_q(actor: Actor) -> Q:
    return scope_of(actor).place_q(TICKET_READERS)


def stairwell_list_for_actor(
    *,
    actor: Actor,
    community_code: str = "",
    grid_code: str = "",
    status: str = "",
    q: str = "",
    staff_only: bool = False,
    limit: int | None = None,
) -> QuerySet[Stairwell]:
    qs = Stairwell.objects.filter(stairwell_staff_q(actor) if staff_only else stairwell_visible_q(actor))
    if community_code:
        qs = qs.filter(community_code=community_code)
    if grid_code:
        qs = qs.filter(grid_code=grid_code)
    if status == "overdue":
        qs = qs.filter(status=NamingStatus.NAMED, next_due_on__lt=timezone.localdate())
    elif status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(label__contains=q)
    qs = qs.order_by("community_code", "grid_code", "label", "id")
    return qs[:limit] if limit else qs


def stairwell_get_for_actor(*, actor: Actor, stairwell_id: int) -> Stairwell:
    row = stairwell_list_for_actor(actor=actor).filter(pk=stairwell_id).select_related("building").first()
    if row is None:
        raise NotFound("楼道不存在或无权查看")
    return row


def stairwell_households(stairwell: Stairwell) -> QuerySet[Any]:
    from gongzhi.places.models import Household

    return Household.objects.filter(building_id=stairwell.building_id, entrance=stairwell.entrance).order_by(
        "door", "id"
    )


def captains_of(stairwell: Stairwell) -> dict[str, Captain | None]:
    rows = {c.kind: c for c in Captain.objects.filter(stairwell=stairwell, active=True)}
    return {k: rows.get(k) for k in CaptainKind.values}


def election_list_for_stairwell(stairwell: Stairwell) -> list[CaptainElection]:
    return list(
        CaptainElection.objects.filter(stairwell=stairwell)
        .prefetch_related("candidates")
        .annotate(voted=Count("votes"))
        .order_by("-opened_on", "-id")
    )


def open_election(stairwell: Stairwell) -> CaptainElection | None:
    return (
        CaptainElection.objects.filter(stairwell=stairwell, status=ElectionStatus.OPEN)
        .prefetch_related("candidates")
        .first()
    )


def election_get_for_actor(*, actor: Actor, election_id: int) -> CaptainElection:
    row = (
        CaptainElection.objects.filter(pk=election_id, stairwell__in=stairwell_list_for_actor(actor=actor))
        .select_related("stairwell")
        .first()
    )
    if row is None:
        raise NotFound("选举不存在或无权查看")
    return row


def households_voted(election: CaptainElection, household_ids: list[int]) -> set[int]:
    return set(election.votes.filter(household_id__in=household_ids).values_list("household_id", flat=True))


def inspection_list_for_stairwell(stairwell: Stairwell, limit: int = 50) -> list[StairwellInspection]:
    return list(
        StairwellInspection.objects.filter(stairwell=stairwell)
        .prefetch_related("photos")
        .order_by("-inspected_on", "-id")[:limit]
    )


def standing_of(sw: Stairwell) -> naming.Standing:
    return naming.Standing(
        status=sw.status,
        passes=sw.passes_in_row,
        fails=sw.fails_in_row,
        last_on=sw.last_inspected_on,
        last_passed=sw.last_passed,
        named_on=sw.named_on,
        revoked_on=sw.revoked_on,
        next_due=sw.next_due_on,
    )


def register_rows(*, actor: Actor, community_code: str = "") -> list[dict[str, Any]]:
    """The stairwell register (楼道台账): one row per stairwell of the actor's staff scope."""
    qs = stairwell_list_for_actor(actor=actor, community_code=community_code, staff_only=True)
    posts: dict[int, dict[str, str]] = {}
    for sid, kind, name in Captain.objects.filter(stairwell__in=qs, active=True).values_list(
        "stairwell_id", "kind", "name"
    ):
        posts.setdefault(sid, {})[kind] = name
    today = timezone.localdate()
    out = []
    for sw in qs.values(
        "pk",
        "label",
        "community_code",
        "grid_code",
        "title",
        "status",
        "named_on",
        "last_inspected_on",
        "last_passed",
        "next_due_on",
        "pact_on_file",
    ):
        p = posts.get(sw["pk"], {})
        out.append(
            {
                **sw,
                "captain": p.get(CaptainKind.CAPTAIN, ""),
                "red_captain": p.get(CaptainKind.RED_CAPTAIN, ""),
                "overdue": sw["status"] == NamingStatus.NAMED
                and sw["next_due_on"] is not None
                and today > sw["next_due_on"],
            }
        )
    return out


def stairwell_figures(*, actor: Actor) -> list[dict[str, Any]]:
    """Per community: stairwells, with a captain, with a red captain, named, revoked, overdue, inspected
    this quarter."""
    from gongzhi.places.models import Community

    qs = Stairwell.objects.filter(stairwell_staff_q(actor))
    today = timezone.localdate()
    quarter_start = dt.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    rows: dict[str, dict[str, Any]] = {}
    for code, total, named, revoked, overdue, inspected in qs.values_list("community_code").annotate(
        n=Count("id"),
        named=Count("id", filter=Q(status=NamingStatus.NAMED)),
        revoked=Count("id", filter=Q(status=NamingStatus.REVOKED)),
        overdue=Count("id", filter=Q(status=NamingStatus.NAMED, next_due_on__lt=today)),
        inspected=Count("id", filter=Q(last_inspected_on__gte=quarter_start)),
    ):
        rows[code] = {
            "community_code": code,
            "stairwells": total,
            "named": named,
            "revoked": revoked,
            "overdue": overdue,
            "inspected_this_quarter": inspected,
            "captains": 0,
            "red_captains": 0,
        }
    for code, kind, n in (
        Captain.objects.filter(stairwell__in=qs, active=True)
        .values_list("community_code", "kind")
        .annotate(n=Count("id"))
    ):
        if code in rows:
            rows[code]["captains" if kind == CaptainKind.CAPTAIN else "red_captains"] = n
    names = dict(Community.objects.filter(code__in=sorted(rows)).values_list("code", "name"))
    return [{**rows[c], "name": names.get(c, c)} for c in sorted(rows)]


def stairwell_counts() -> dict[str, int]:
    """The overview's ``stairwells`` figures, from records."""
    return {
        "stairwells": Stairwell.objects.count(),
        "named": Stairwell.objects.filter(status=NamingStatus.NAMED).count(),
    }


def naming_points_earned(community_code: str) -> list[Any]:
    """The points the community's named stairwells earn their households (a rule of source
    ``stairwell_naming``, read by ``points.services.harvest`` through ``points/sources.py``): one record per
    household of a stairwell named and still holding its title, keyed by the naming day, so a stairwell
    named again after a revocation earns again."""
    from gongzhi.places.models import Household
    from gongzhi.points.sources import Earned

    named = {
        (s.building_id, s.entrance): s
        for s in Stairwell.objects.filter(
            community_code=community_code, status=NamingStatus.NAMED, named_on__isnull=False
        )
    }
    if not named:
        return []
    rows = Household.objects.filter(
        community_code=community_code, building_id__in=sorted({b for b, _e in named})
    ).values_list("pk", "building_id", "entrance")
    out = []
    for pk, building_id, entrance in rows:
        s = named.get((building_id, entrance))
        if s is None or s.named_on is None:
            continue
        out.append(
            Earned(
                key=f"stairwell:{s.pk}:{s.named_on:%Y%m%d}:{pk}",
                day=s.named_on,
                household_id=pk,
                person_id=None,
                quantity=1,
                description=f"{s.label}命名为{s.get_title_display()}",
            )
        )
    return out
