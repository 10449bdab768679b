"""Community-managed party members (自管党员) kept by people: edit a member, end a membership, and move
memberships in and out (组织关系转接), one at a time or a dissolved organisation's members at once.

A member is a resident (``people.Person``) whose membership the community of their home keeps; the grid
follows from the household. Entering one is ``organizations.community_member_add``. A transfer is
recorded when the letter (介绍信) arrives or is issued and decided (accepted or returned) by someone else
than who recorded it (``core.duties``): accepting a transfer in puts the resident on the register in the
branch of their grid, accepting a transfer out takes the member off it. Each service writes in one
transaction, asks ``gongzhi.party.permissions`` and leaves one audit row; a bulk path leaves one row for
the whole batch.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.core.duties import is_own_work, own_work_error, refuse_own_work
from gongzhi.core.errors import Conflict, NotFound, field_error
from gongzhi.core.permissions import require
from gongzhi.core.workflow import check_move
from gongzhi.party.enums import BRANCH_KINDS, MemberKind, MemberStatus, TransferDirection
from gongzhi.party.models import MemberTransfer, PartyMember, PartyOrganization
from gongzhi.party.transitions import TRANSFER
from gongzhi.people.models import Person
from gongzhi.places.models import Community

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

EARLIEST = dt.date(1921, 7, 1)
MAX_BULK = 5000


# -- checks ---------------------------------------------------------------------------------------------
def _date(value: dt.date | None, name: str, label: str, *, required: bool = True) -> dt.date | None:
    if value is None:
        if required:
            raise field_error(name, gettext("请填写%(label)s") % {"label": label})
        return None
    if value > timezone.localdate():
        raise field_error(name, gettext("%(label)s不能晚于今天") % {"label": label})
    if value < EARLIEST:
        raise field_error(name, gettext("%(label)s不正确") % {"label": label})
    return value


def _text(value: str, name: str, label: str, max_length: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise field_error(name, gettext("请填写%(label)s") % {"label": label})
    if len(value) > max_length:
        raise field_error(
            name, gettext("%(label)s不能超过%(max_length)s个字") % {"label": label, "max_length": max_length}
        )
    return value


def branch_of_grid(grid_code: str) -> PartyOrganization | None:
    """The grid or joint branch in force covering the grid (where a new member of the grid belongs)."""
    if not grid_code:
        return None
    return (
        PartyOrganization.objects.filter(kind__in=BRANCH_KINDS, active=True, grids__code=grid_code)
        .order_by("id")
        .first()
    )


def _org_in_community(org_id: int | None, community_code: str) -> PartyOrganization | None:
    if org_id is None:
        return None
    org = PartyOrganization.objects.filter(pk=org_id, community_code=community_code, active=True).first()
    if org is None:
        raise field_error("organization_id", gettext("所选党组织不在该党员所在社区或已撤销"))
    return org


# -- edit and end -----------------------------------------------------------------------------------------
@dataclass
class MemberEdit:
    organization_id: int | None = None
    joined_on: dt.date | None = None
    hub_household: bool = False


@transaction.atomic
def member_update(*, actor: Actor | None, member_id: int, data: MemberEdit) -> PartyMember:
    """Changes a community-managed member's organisation (in their community), date of joining and hub
    household mark; their place follows their resident record. Audited with what changed."""
    member = (
        PartyMember.objects.select_for_update()
        .filter(pk=member_id, kind=MemberKind.COMMUNITY_MANAGED, status=MemberStatus.ACTIVE)
        .first()
    )
    if member is None:
        raise NotFound()
    require(actor, "party.change_partymember", member)
    if member.person_id is not None:
        person = Person.objects.get(pk=member.person_id)
        if person.grid_code and person.grid_code != member.grid_code:
            member.set_place_codes(grid_code=person.grid_code)
    org = _org_in_community(data.organization_id, member.community_code)
    joined = _date(data.joined_on, "joined_on", gettext("入党日期"), required=False)
    changes: dict[str, list[object]] = {}
    for name, value in (
        ("organization_id", org.pk if org else None),
        ("joined_on", joined),
        ("hub_household", bool(data.hub_household)),
    ):
        old = getattr(member, name)
        if old != value:
            changes[name] = [str(old) if old is not None else None, str(value) if value is not None else None]
            setattr(member, name, value)
    member.save()
    if changes:
        audit_record(actor=actor, target=member, event="party.member_updated", data={"changes": changes})
    return member


@transaction.atomic
def member_end(*, actor: Actor | None, member_id: int, ended_on: dt.date | None, reason: str) -> PartyMember:
    """Ends a membership on the register (去世、出党、停止党籍…): the member stays on record, no longer
    counted in the branch layout or the figures."""
    member = (
        PartyMember.objects.select_for_update()
        .filter(pk=member_id, kind=MemberKind.COMMUNITY_MANAGED)
        .first()
    )
    if member is None:
        raise NotFound()
    require(actor, "party.change_partymember", member)
    if member.status != MemberStatus.ACTIVE:
        raise Conflict(
            gettext("该党员当前状态为“%(value)s”，不能再次离册") % {"value": member.get_status_display()},
            code="illegal_transition",
        )
    member.ended_on = _date(ended_on, "ended_on", gettext("离册日期"))
    member.end_reason = _text(reason, "reason", gettext("离册原因"), 200)
    member.status = MemberStatus.ENDED
    member.save(update_fields=["ended_on", "end_reason", "status", "updated_at"])
    audit_record(
        actor=actor,
        target=member,
        event="party.member_ended",
        data={
            "ended_on": member.ended_on.isoformat() if member.ended_on else "",
            "reason": member.end_reason,
        },
    )
    return member


# -- transfers ----------------------------------------------------------------------------------------------
@dataclass
class TransferInput:
    """The other organisation: one of the district (``other_org_id``) or, outside it, its name."""

    transferred_on: dt.date | None
    letter_number: str
    other_org_id: int | None = None
    other_org_name: str = ""
    other_org_dissolved: bool = False


def _clean_transfer(data: TransferInput) -> tuple[PartyOrganization | None, str, dt.date, str]:
    other = None
    if data.other_org_id is not None:
        other = PartyOrganization.objects.filter(pk=data.other_org_id).first()
        if other is None:
            raise field_error("other_org_id", gettext("所选区内党组织不存在"))
        name = other.name
    else:
        name = _text(data.other_org_name, "other_org_name", gettext("对方党组织名称"), 100)
    on = _date(data.transferred_on, "transferred_on", gettext("转接日期"))
    assert on is not None
    letter = _text(data.letter_number, "letter_number", gettext("介绍信编号"), 50)
    return other, name, on, letter


def _refuse_active_member(person: Person) -> None:
    member = (
        PartyMember.objects.filter(
            person=person, kind=MemberKind.COMMUNITY_MANAGED, status=MemberStatus.ACTIVE
        )
        .select_related("organization")
        .first()
    )
    if member is not None:
        where = member.organization.name if member.organization else "本区社区"
        raise field_error(
            "person_id",
            gettext("%(name)s的组织关系仍在%(where)s，请先办理转出") % {"name": person.name, "where": where},
            code="duplicate",
        )


def _pending_refused(_exc: IntegrityError) -> Conflict:
    return Conflict(gettext("该人员已有待接收的组织关系转接，请先处理"), code="duplicate")


def _new_transfer(
    *,
    actor: Actor | None,
    direction: str,
    person: Person,
    member: PartyMember | None,
    other: PartyOrganization | None,
    name: str,
    on: dt.date,
    letter: str,
    dissolved: bool,
    batch: str = "",
) -> MemberTransfer:
    t = MemberTransfer(
        direction=direction,
        person=person,
        member=member,
        name=person.name,
        other_org=other,
        other_org_name=name,
        inside_district=other is not None,
        other_org_dissolved=dissolved,
        transferred_on=on,
        letter_number=letter,
        batch=batch,
        recorded_by_id=actor.pk if actor is not None else None,
    )
    if member is not None and member.grid_code:
        t.set_place_codes(grid_code=member.grid_code)
    else:
        t.set_place_codes(grid_code=person.grid_code)
    return t


@transaction.atomic
def transfer_in_record(*, actor: Actor | None, person_id: int, data: TransferInput) -> MemberTransfer:
    """A member's letter of transfer to the community where they live has arrived: pending until someone
    else accepts it (the member joins the register) or returns it."""
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise NotFound()
    require(actor, "party.add_partymember", person)
    if not person.grid_code:
        raise field_error(
            "person_id", gettext("%(name)s尚未登记居住网格，请先在实有人口中登记住址") % {"name": person.name}
        )
    other, name, on, letter = _clean_transfer(data)
    if other is not None and other.community_code == person.community_code:
        raise field_error("other_org_id", gettext("转出党组织与转入社区相同，无需转接"))
    _refuse_active_member(person)
    try:
        with transaction.atomic():
            t = _new_transfer(
                actor=actor,
                direction=TransferDirection.IN,
                person=person,
                member=None,
                other=other,
                name=name,
                on=on,
                letter=letter,
                dissolved=data.other_org_dissolved,
            )
            t.save()
    except IntegrityError as exc:
        raise _pending_refused(exc) from exc
    audit_record(
        actor=actor,
        target=t,
        event="party.transfer_in_recorded",
        data={
            "from": name,
            "inside_district": t.inside_district,
            "letter_number": letter,
            "on": on.isoformat(),
        },
    )
    return t


@transaction.atomic
def transfer_out_record(*, actor: Actor | None, member_id: int, data: TransferInput) -> MemberTransfer:
    """A community-managed member's membership goes to another organisation (inside the district or not):
    pending until someone else records that it was accepted there (or returned)."""
    member = (
        PartyMember.objects.select_related("person")
        .filter(pk=member_id, kind=MemberKind.COMMUNITY_MANAGED, status=MemberStatus.ACTIVE)
        .first()
    )
    if member is None or member.person is None:
        raise NotFound()
    require(actor, "party.change_partymember", member)
    other, name, on, letter = _clean_transfer(data)
    if other is not None and member.organization_id == other.pk:
        raise field_error("other_org_id", gettext("不能转往党员现在所在的党组织"))
    try:
        with transaction.atomic():
            t = _new_transfer(
                actor=actor,
                direction=TransferDirection.OUT,
                person=member.person,
                member=member,
                other=other,
                name=name,
                on=on,
                letter=letter,
                dissolved=False,
            )
            t.save()
    except IntegrityError as exc:
        raise _pending_refused(exc) from exc
    audit_record(
        actor=actor,
        target=t,
        event="party.transfer_out_recorded",
        data={
            "to": name,
            "inside_district": t.inside_district,
            "letter_number": letter,
            "on": on.isoformat(),
        },
    )
    return t


def _transfer_for_decision(actor: Actor | None, transfer_id: int) -> MemberTransfer:
    t = MemberTransfer.objects.select_for_update().filter(pk=transfer_id).first()
    if t is None:
        raise NotFound()
    perm = "party.add_partymember" if t.direction == TransferDirection.IN else "party.change_partymember"
    require(actor, perm, t)
    return t


def _accept_in(t: MemberTransfer, person: Person) -> PartyMember:
    """The resident joins the register: their old record comes back if they had one, else a new one."""
    _refuse_active_member(person)
    branch = branch_of_grid(person.grid_code)
    member = PartyMember.objects.filter(person=person, kind=MemberKind.COMMUNITY_MANAGED).first()
    if member is None:
        member = PartyMember(
            kind=MemberKind.COMMUNITY_MANAGED,
            person=person,
            phone_encrypted=person.phone_encrypted,
            phone_hash=person.phone_hash,
            phone_masked=person.phone_masked,
        )
    member.name = person.name
    member.status = MemberStatus.ACTIVE
    member.ended_on, member.end_reason = None, ""
    member.organization = branch
    member.set_place_codes(grid_code=person.grid_code)
    member.save()
    return member


@transaction.atomic
def transfer_accept(*, actor: Actor | None, transfer_id: int) -> MemberTransfer:
    """接收: a transfer in puts the resident on the register (in the branch of their grid); a transfer out
    takes the member off it (已转出). Not by who recorded it, nor by the member."""
    t = _transfer_for_decision(actor, transfer_id)
    person = Person.objects.get(pk=t.person_id)
    refuse_own_work(actor, t.recorded_by_id, person.user_id, what=gettext("接收本人登记或本人的组织关系转接"))
    t.status = check_move(TRANSFER, "accept", t.status)
    if t.direction == TransferDirection.IN:
        t.member = _accept_in(t, person)
    else:
        member = PartyMember.objects.select_for_update().get(pk=t.member_id or 0)
        if member.status != MemberStatus.ACTIVE:
            raise Conflict(gettext("该党员已不在册，不能转出"), code="illegal_transition")
        member.status = MemberStatus.TRANSFERRED_OUT
        member.ended_on, member.end_reason = t.transferred_on, f"组织关系转往{t.other_org_name}"[:200]
        member.save(update_fields=["status", "ended_on", "end_reason", "updated_at"])
    t.decided_by_id = actor.pk if actor is not None else None
    t.decided_at = timezone.now()
    t.save()
    audit_record(
        actor=actor,
        target=t,
        event="party.transfer_accepted",
        data={"direction": t.direction, "member_id": t.member_id, "other_org": t.other_org_name},
    )
    return t


@transaction.atomic
def transfer_return(*, actor: Actor | None, transfer_id: int, reason: str) -> MemberTransfer:
    """退回 with a reason: nothing changes on the register."""
    t = _transfer_for_decision(actor, transfer_id)
    person_user = Person.objects.filter(pk=t.person_id).values_list("user_id", flat=True).first()
    refuse_own_work(actor, t.recorded_by_id, person_user, what=gettext("退回本人登记或本人的组织关系转接"))
    reason = _text(reason, "reason", gettext("退回原因"), 200)
    t.status = check_move(TRANSFER, "return", t.status)
    t.return_reason = reason
    t.decided_by_id = actor.pk if actor is not None else None
    t.decided_at = timezone.now()
    t.save()
    audit_record(actor=actor, target=t, event="party.transfer_returned", data={"reason": reason})
    return t


# -- a dissolved organisation's members, at once ------------------------------------------------------------
@dataclass
class BulkTransferIn:
    """The members of one organisation (usually dissolved: 撤销) moved to the community where they live."""

    other_org_name: str
    transferred_on: dt.date | None
    letter_number: str
    person_ids: list[int] = field(default_factory=list)
    other_org_dissolved: bool = True


@transaction.atomic
def transfers_in_bulk_record(*, actor: Actor | None, community_id: int, data: BulkTransferIn) -> str:
    """Records the transfers in of many residents of one community from one organisation: one transaction,
    one audit row (on the community). Returns the batch, which someone else accepts at once with
    ``transfer_batch_accept``. Any resident not of the community, already on the register or with a
    pending transfer refuses the whole batch with their name."""
    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        raise NotFound()
    require(actor, "party.add_partymember", community)
    _other, name, on, letter = _clean_transfer(
        TransferInput(
            transferred_on=data.transferred_on,
            letter_number=data.letter_number,
            other_org_name=data.other_org_name,
        )
    )
    ids = sorted(set(data.person_ids))
    if not ids:
        raise field_error("person_ids", gettext("请选择要转入的党员"))
    if len(ids) > MAX_BULK:
        raise field_error("person_ids", gettext("一次最多转入%(MAX_BULK)s人") % {"MAX_BULK": MAX_BULK})
    persons = list(Person.objects.filter(pk__in=ids, community_code=community.code).exclude(grid_code=""))
    if len(persons) != len(ids):
        raise field_error("person_ids", gettext("部分人员不存在、不在该社区或尚未登记住址"))
    active = (
        PartyMember.objects.filter(
            person_id__in=ids, kind=MemberKind.COMMUNITY_MANAGED, status=MemberStatus.ACTIVE
        )
        .order_by("name")
        .values_list("name", flat=True)
        .first()
    )
    if active:
        msg = gettext("%(active)s已在册，不能重复转入") % {"active": active}
        raise field_error("person_ids", msg, code="duplicate")
    pending = (
        MemberTransfer.objects.filter(person_id__in=ids, direction=TransferDirection.IN, status="pending")
        .values_list("name", flat=True)
        .first()
    )
    if pending:
        msg = gettext("%(pending)s已有待接收的组织关系转接") % {"pending": pending}
        raise field_error("person_ids", msg, code="duplicate")
    batch = secrets.token_hex(8)
    MemberTransfer.objects.bulk_create(
        [
            _new_transfer(
                actor=actor,
                direction=TransferDirection.IN,
                person=p,
                member=None,
                other=None,
                name=name,
                on=on,
                letter=letter,
                dissolved=data.other_org_dissolved,
                batch=batch,
            )
            for p in persons
        ],
        batch_size=500,
    )
    audit_record(
        actor=actor,
        target=community,
        event="party.transfers_in_recorded",
        data={
            "batch": batch,
            "from": name,
            "dissolved": data.other_org_dissolved,
            "letter_number": letter,
            "count": len(persons),
        },
    )
    return batch


@transaction.atomic
def transfer_batch_accept(*, actor: Actor | None, batch: str) -> int:
    """Accepts every pending transfer in of a batch in one transaction with one audit row: each resident
    joins the register in the branch of their grid (a former member's record comes back). Refused whole
    when the actor recorded the batch or is one of its members (``core.duties``). Returns the count."""
    rows = list(
        MemberTransfer.objects.select_for_update()
        .filter(batch=batch or "-", direction=TransferDirection.IN, status="pending")
        .order_by("id")
    )
    if not rows:
        raise NotFound(gettext("该批次没有待接收的组织关系转接"))
    communities = list(Community.objects.filter(code__in=sorted({t.community_code for t in rows})))
    for community in communities:
        require(actor, "party.add_partymember", community)
    persons = {p.pk: p for p in Person.objects.filter(pk__in=[t.person_id for t in rows])}
    for i, t in enumerate(rows, start=1):
        person = persons[t.person_id]
        if is_own_work(actor, t.recorded_by_id, person.user_id):
            raise own_work_error(gettext("接收本人登记或本人的组织关系转接"), row=i)
    person_ids = list(persons)
    if PartyMember.objects.filter(
        person_id__in=person_ids, kind=MemberKind.COMMUNITY_MANAGED, status=MemberStatus.ACTIVE
    ).exists():
        raise Conflict(gettext("批次中有人员已在册，请逐一处理"), code="duplicate")
    former = {
        m.person_id: m
        for m in PartyMember.objects.select_for_update().filter(
            person_id__in=person_ids, kind=MemberKind.COMMUNITY_MANAGED
        )
    }
    branches = _branches_by_grid({p.grid_code for p in persons.values()})
    new: list[PartyMember] = []
    back: list[PartyMember] = []
    for t in rows:
        person = persons[t.person_id]
        member = former.get(person.pk)
        if member is None:
            member = PartyMember(
                kind=MemberKind.COMMUNITY_MANAGED,
                person=person,
                phone_encrypted=person.phone_encrypted,
                phone_hash=person.phone_hash,
                phone_masked=person.phone_masked,
            )
            new.append(member)
        else:
            back.append(member)
        member.name = person.name
        member.status = MemberStatus.ACTIVE
        member.ended_on, member.end_reason = None, ""
        member.organization_id = branches.get(person.grid_code)
        member.set_place_codes(grid_code=person.grid_code)
    PartyMember.objects.bulk_create(new, batch_size=500)
    if back:
        PartyMember.objects.bulk_update(
            back,
            [
                "name",
                "status",
                "ended_on",
                "end_reason",
                "organization",
                "district_code",
                "subdistrict_code",
                "community_code",
                "grid_code",
            ],
            batch_size=500,
        )
    member_of = {m.person_id: m.pk for m in [*new, *back]}
    now = timezone.now()
    decided_by_id = actor.pk if actor is not None else None
    for t in rows:
        t.status = check_move(TRANSFER, "accept", t.status)
        t.member_id = member_of[t.person_id]
        t.decided_by_id = decided_by_id
        t.decided_at = now
    MemberTransfer.objects.bulk_update(
        rows, ["status", "member", "decided_by", "decided_at", "updated_at"], batch_size=500
    )
    first = rows[0]
    audit_record(
        actor=actor,
        target=communities[0] if len(communities) == 1 else first,
        event="party.transfers_in_accepted",
        data={"batch": batch, "from": first.other_org_name, "count": len(rows), "returning": len(back)},
    )
    return len(rows)


def _branches_by_grid(codes: set[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    through = PartyOrganization.grids.through.objects.filter(
        grid__code__in=sorted(codes), partyorganization__kind__in=BRANCH_KINDS, partyorganization__active=True
    ).order_by("partyorganization_id")
    for code, org_id in through.values_list("grid__code", "partyorganization_id"):
        out.setdefault(code, org_id)
    return out
