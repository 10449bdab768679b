"""Writes of visits (走访) and care visits (慰问).

A visit records what was found in the household, its photos (``core.images``: sniffed, size- and
bomb-checked before decoding, re-encoded so no EXIF/GPS survives) and its follow-up: a need raised in the
three lists (``cobuild.services.needs.need_raise``), a ticket (``tickets.services.ticket_report``) or a
referral. It moves the person's memberships on: their last visit and the day the next one is due.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.care.enums import FollowUp, MembershipStatus, Occasion, VisitMode, due_after
from gongzhi.care.models import CareMembership, CareVisit, Visit, VisitPhoto
from gongzhi.care.services._common import _day, _person_locked, _raise_errors, _text
from gongzhi.core.errors import Conflict, NotFound, ValidationFailed
from gongzhi.core.images import CleanImage, clean_images, store_photo_rows
from gongzhi.core.permissions import allowed, require

if TYPE_CHECKING:
    from gongzhi.core.types import Actor
    from gongzhi.people.models import Person


@dataclass
class VisitInput:
    person_id: int
    visited_on: dt.date | None
    visitors: str
    mode: str = VisitMode.HOME
    living_conditions: str = ""
    income: str = ""
    difficulties: str = ""
    health: str = ""
    lng: float | None = None
    lat: float | None = None
    follow_up: str = FollowUp.NONE
    need_title: str = ""
    need_category: str = ""
    referral: str = ""


def _check_person(actor: Actor | None, person: Person) -> bool:
    """May record a visit to this person; returns whether the person is (only) in need-to-know groups.
    A person in a need-to-know group is invisible to an account without the grant (404)."""
    require(actor, "care.record_visit", person)
    groups = list(
        CareMembership.objects.filter(person=person, status=MembershipStatus.ACTIVE).values_list(
            "sensitive", flat=True
        )
    )
    sensitive = bool(groups) and all(groups)
    if any(groups) and not allowed(actor, "care.view_sensitive", person):
        raise NotFound(gettext("人员不存在"))
    return sensitive


def _clean_visit(data: VisitInput) -> dict[str, Any]:
    errors: dict[str, str] = {}
    out: dict[str, Any] = {
        "visited_on": _day(errors, "visited_on", data.visited_on, gettext("走访日期")),
        "visitors": _text(errors, "visitors", data.visitors, gettext("走访人"), 200, True),
        "living_conditions": _text(
            errors, "living_conditions", data.living_conditions, gettext("居住情况"), 500, False
        ),
        "income": _text(errors, "income", data.income, gettext("收入情况"), 500, False),
        "difficulties": _text(errors, "difficulties", data.difficulties, gettext("困难诉求"), 1000, False),
        "health": _text(errors, "health", data.health, gettext("健康状况"), 500, False),
        "referral": _text(errors, "referral", data.referral, gettext("转介去向"), 200, False),
    }
    if data.mode not in VisitMode.values:
        errors["mode"] = gettext("走访方式应为入户、电话或视频")
    if data.follow_up not in FollowUp.values:
        errors["follow_up"] = gettext("跟进方式无法识别")
    if data.follow_up == FollowUp.REFERRAL and not out["referral"]:
        errors["referral"] = gettext("请填写转介去向")
    if data.follow_up in (FollowUp.NEED, FollowUp.TICKET) and not out["difficulties"]:
        errors["difficulties"] = gettext("转需求或工单时请填写困难诉求")
    if (data.lng is None) != (data.lat is None):
        errors["location"] = gettext("经纬度需同时提供")
    elif data.lng is not None and not (73 <= data.lng <= 136 and 3 <= (data.lat or 0) <= 54):
        errors["location"] = gettext("位置不在中国境内，请重新定位")
    _raise_errors(errors)
    out.update(mode=data.mode, follow_up=data.follow_up, lng=data.lng, lat=data.lat)
    return out


def _follow_up(actor: Actor | None, visit: Visit, data: VisitInput, person: Person) -> None:
    """The need or the ticket the visit raises, through the owning app's service (one transaction)."""
    from gongzhi.places.models import Grid

    if visit.follow_up == FollowUp.NEED:
        from gongzhi.cobuild.enums import NeedSource
        from gongzhi.cobuild.services.needs import NeedInput, need_raise

        grid = Grid.objects.filter(code=person.grid_code).first()
        visit.need = need_raise(
            actor=actor,  # type: ignore[arg-type]
            data=NeedInput(
                title=data.need_title or visit.difficulties[:30],
                category=data.need_category,
                description=visit.difficulties,
                beneficiaries="走访对象（重点人群）",
                lng=visit.lng,
                lat=visit.lat,
            ),
            source=NeedSource.GRID_WORKER,
            grid_id=grid.pk if grid else None,
            community_id=grid.community_id if grid else None,
        )
    elif visit.follow_up == FollowUp.TICKET:
        from gongzhi.tickets.enums import Channel
        from gongzhi.tickets.services import TicketInput, ticket_report

        channel = Channel.PATROL if allowed(actor, "tickets.patrol") else Channel.ASSIGNED
        visit.ticket = ticket_report(
            actor=actor,
            data=TicketInput(
                description=f"走访发现：{visit.difficulties}",
                channel=channel,
                grid_code=person.grid_code,
                lng=visit.lng,
                lat=visit.lat,
            ),
        )


def _move_due(person: Person, visited_on: dt.date) -> int:
    """Every active membership of the person: the last visit and the next due day. Locked."""
    n = 0
    for row in CareMembership.objects.select_for_update().filter(
        person=person, status=MembershipStatus.ACTIVE
    ):
        last = max(filter(None, [row.last_visited_on, visited_on]))
        if last < row.entered_on:
            continue  # a visit before the person entered the group does not count for it
        row.last_visited_on = last
        row.due_on = due_after(last, row.frequency)
        row.save(update_fields=["last_visited_on", "due_on", "updated_at"])
        n += 1
    return n


def _save_photos(visit: Visit, images: list[CleanImage]) -> None:
    store_photo_rows(images, folder=f"care/{visit.district_code}", model=VisitPhoto, visit=visit)


@transaction.atomic
def visit_record(*, actor: Actor | None, data: VisitInput, photos: list[Any] | None = None) -> Visit:
    person = _person_locked(actor, data.person_id)
    sensitive = _check_person(actor, person)
    clean = _clean_visit(data)
    images = clean_images(list(photos or []), max_count=6)
    visit = Visit(
        person=person,
        household_id=person.household_id,
        recorded_by_id=actor.pk if actor is not None and actor.is_authenticated else None,
        sensitive=sensitive,
        **clean,
    )
    visit.district_code, visit.subdistrict_code = person.district_code, person.subdistrict_code
    visit.community_code, visit.grid_code = person.community_code, person.grid_code
    _follow_up(actor, visit, data, person)
    visit.save()
    moved = _move_due(person, visit.visited_on)
    audit_record(
        actor=actor,
        target=visit,
        event="care.visit_recorded",
        data={
            "person": person.pk,
            "visited_on": str(visit.visited_on),
            "follow_up": visit.follow_up,
            "need": visit.need_id,
            "ticket": visit.ticket_id,
            "photos": len(images),
            "memberships": moved,
        },
    )
    _save_photos(visit, images)
    return visit


@transaction.atomic
def visit_outcome_set(*, actor: Actor | None, visit_id: int, outcome: str) -> Visit:
    visit = Visit.objects.select_for_update().filter(pk=visit_id).first()
    if visit is None:
        raise NotFound()
    require(actor, "care.record_visit", visit)
    if visit.sensitive and not allowed(actor, "care.view_sensitive", visit):
        raise NotFound()
    errors: dict[str, str] = {}
    value = _text(errors, "outcome", outcome, gettext("跟进结果"), 500, True)
    _raise_errors(errors)
    old = visit.outcome
    visit.outcome = value
    visit.save(update_fields=["outcome", "updated_at"])
    audit_record(actor=actor, target=visit, event="care.visit_outcome_set", data={"from": old, "to": value})
    return visit


@dataclass
class CareVisitInput:
    person_id: int
    occasion: str
    visited_on: dt.date | None
    visitors: str
    given: str
    note: str = ""


@transaction.atomic
def care_visit_record(*, actor: Actor | None, data: CareVisitInput) -> CareVisit:
    person = _person_locked(actor, data.person_id)
    require(actor, "care.record_carevisit", person)
    if CareMembership.objects.filter(
        person=person, status=MembershipStatus.ACTIVE, sensitive=True
    ).exists() and not allowed(actor, "care.view_sensitive", person):
        raise NotFound(gettext("人员不存在"))
    errors: dict[str, str] = {}
    if data.occasion not in Occasion.values:
        errors["occasion"] = gettext("请选择慰问时机")
    row = CareVisit(
        person=person,
        occasion=data.occasion,
        visited_on=_day(errors, "visited_on", data.visited_on, gettext("慰问日期")),
        visitors=_text(errors, "visitors", data.visitors, gettext("慰问人"), 200, True),
        given=_text(errors, "given", data.given, gettext("慰问品"), 200, True),
        note=_text(errors, "note", data.note, gettext("备注"), 200, False),
        recorded_by_id=actor.pk if actor is not None and actor.is_authenticated else None,
    )
    _raise_errors(errors)
    row.district_code, row.subdistrict_code = person.district_code, person.subdistrict_code
    row.community_code, row.grid_code = person.community_code, person.grid_code
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise Conflict(
            gettext("%(name)s当天已登记过本次慰问，不能重复发放") % {"name": person.name}, code="duplicate"
        ) from None
    audit_record(
        actor=actor,
        target=row,
        event="care.care_visit_recorded",
        data={"person": person.pk, "occasion": row.occasion, "given": row.given},
    )
    return row


@dataclass
class VisitRow:
    """One visit of a bulk batch (the demo's year, a paper ledger typed in): no photos, no follow-up."""

    person: Any
    visited_on: dt.date
    visitors: str
    mode: str = VisitMode.HOME
    living_conditions: str = ""
    income: str = ""
    difficulties: str = ""
    health: str = ""


@transaction.atomic
def visits_bulk_record(*, actor: Actor | None, community: Any, rows: list[VisitRow]) -> int:
    """A community's batch of visits: one transaction, one audit row; the memberships' last visit and due
    day move on as ``visit_record`` moves them."""
    if not rows:
        return 0
    require(actor, "care.record_visit", community)
    out = []
    for r in rows:
        if r.person.community_code != community.code:
            raise ValidationFailed(
                gettext("走访对象不在本社区"), fields={"person_id": gettext("走访对象不在本社区")}
            )
        clean = _clean_visit(
            VisitInput(
                person_id=r.person.pk, visited_on=r.visited_on, visitors=r.visitors, mode=r.mode,
                living_conditions=r.living_conditions, income=r.income, difficulties=r.difficulties,
                health=r.health,
            )
        )  # fmt: skip
        v = Visit(person=r.person, household_id=r.person.household_id, **clean)
        v.district_code, v.subdistrict_code = r.person.district_code, r.person.subdistrict_code
        v.community_code, v.grid_code = r.person.community_code, r.person.grid_code
        out.append(v)
    Visit.objects.bulk_create(out, batch_size=1000)
    last: dict[int, dt.date] = {}
    for v in out:
        last[v.person_id] = max(last.get(v.person_id, v.visited_on), v.visited_on)
    moved = []
    for m in CareMembership.objects.select_for_update().filter(
        person_id__in=list(last), status=MembershipStatus.ACTIVE
    ):
        day = max(filter(None, [m.last_visited_on, last[m.person_id]]))
        if day >= m.entered_on:
            m.last_visited_on, m.due_on = day, due_after(day, m.frequency)
            moved.append(m)
    CareMembership.objects.bulk_update(moved, ["last_visited_on", "due_on"], batch_size=1000)
    audit_record(
        actor=actor,
        target=community,
        event="care.visits_imported",
        data={"count": len(out), "memberships": len(moved)},
    )
    return len(out)


@transaction.atomic
def care_visits_bulk_record(*, actor: Actor | None, community: Any, rows: list[CareVisitInput]) -> int:
    """A community's care visits of one occasion (the 慰问花名册 typed in): one transaction, one audit row."""
    from gongzhi.people.models import Person

    if not rows:
        return 0
    require(actor, "care.record_carevisit", community)
    persons = {
        p.pk: p
        for p in Person.objects.filter(pk__in=[r.person_id for r in rows], community_code=community.code)
    }
    out = []
    for r in rows:
        person = persons.get(r.person_id)
        if (
            person is None
            or r.occasion not in Occasion.values
            or not r.given
            or not r.visitors
            or r.visited_on is None
        ):
            raise ValidationFailed(
                gettext("慰问名单有误：对象须为本社区人员，时机、慰问人、慰问品须填写"), code="invalid_rows"
            )
        c = CareVisit(person=person, occasion=r.occasion, visited_on=r.visited_on, visitors=r.visitors[:200],
                      given=r.given[:200], note=r.note[:200])  # fmt: skip
        c.district_code, c.subdistrict_code = person.district_code, person.subdistrict_code
        c.community_code, c.grid_code = person.community_code, person.grid_code
        out.append(c)
    CareVisit.objects.bulk_create(out, batch_size=1000, ignore_conflicts=True)
    audit_record(actor=actor, target=community, event="care.care_visits_imported", data={"count": len(out)})
    return len(out)
