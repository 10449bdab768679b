"""Writes of an estate's profile: its property service, its owners' committee (election, members, filing,
end), its 同心桥 branch and the representatives of its three sides, and its red captains' posts; the
demo's batch setup. Every row takes the estate's place codes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from gongzhi.audit.services import audit_record
from gongzhi.core import bounds
from gongzhi.core.errors import Conflict, NotFound, ValidationFailed, field_error
from gongzhi.core.permissions import require
from gongzhi.core.workflow import check_move
from gongzhi.property.enums import (
    CURRENT_COMMITTEE,
    BranchSide,
    CaptainKind,
    CommitteePost,
    CommitteeStatus,
    ServiceKind,
)
from gongzhi.property.models import (
    BranchRepresentative,
    CaptainPost,
    CommitteeMember,
    EstateService,
    OwnersCommittee,
    PropertyCompany,
    PropertyOrganization,
    TongxinqiaoBranch,
)
from gongzhi.property.services import _validation as v
from gongzhi.property.transitions import COMMITTEE

if TYPE_CHECKING:
    from gongzhi.core.types import Actor
    from gongzhi.places.models import Estate


def placed_like(row: Any, estate: Estate) -> Any:
    row.set_place_codes(grid_code=estate.grid_code, community_code=estate.community_code)
    return row


def estate_for_manager(actor: Actor, estate_id: int, *, lock: bool = False) -> Estate:
    """The estate, if the actor sees it and keeps its profile (a missing and a forbidden one: 404)."""
    from gongzhi.places.models import Estate
    from gongzhi.property.selectors.estates import estate_list_for_actor

    visible = list(estate_list_for_actor(actor=actor).filter(pk=estate_id).values_list("pk", flat=True))
    qs = Estate.objects.filter(pk__in=visible)
    if lock:
        qs = qs.select_for_update()
    estate = qs.first()
    if estate is None:
        raise NotFound("小区不存在或无权查看")
    require(actor, "property.manage_estate", estate)
    return estate


def _party_member(member_id: int | None, estate: Estate, field_name: str) -> Any:
    from gongzhi.party.models import PartyMember

    if not member_id:
        return None
    member = (
        PartyMember.objects.filter(pk=member_id, district_code=estate.district_code).first()
        if bounds.int_in_range(member_id)
        else None
    )
    if member is None:
        raise field_error(field_name, "党员档案不存在或不在本区")
    return member


# --- property service -------------------------------------------------------------------------------


@transaction.atomic
def estate_service_set(
    *,
    actor: Actor,
    estate_id: int,
    kind: str,
    company_id: int | None = None,
    starts_on: Any = None,
) -> EstateService:
    """The estate's property service from ``starts_on``: the current one (if any) ends the day before."""
    estate = estate_for_manager(actor, estate_id, lock=True)
    if kind not in ServiceKind.values:
        raise field_error("kind", "请选择服务方式")
    company = None
    if kind == ServiceKind.COMPANY:
        company = (
            PropertyCompany.objects.filter(
                pk=company_id, active=True, district_code=estate.district_code
            ).first()
            if company_id and bounds.int_in_range(company_id)
            else None
        )
        if company is None:
            raise field_error("company_id", "请选择在册的物业企业")
    start = v.optional_date(starts_on, "starts_on", "服务起始日") or timezone.localdate()
    current = EstateService.objects.select_for_update().filter(estate=estate, current=True).first()
    if current is not None:
        if current.kind == kind and current.company_id == (company.pk if company else None):
            raise ValidationFailed("该小区现行的物业服务已是所选企业/方式")
        if start <= current.starts_on:
            raise field_error("starts_on", f"起始日应晚于现行服务的起始日（{current.starts_on:%Y-%m-%d}）")
        current.current = False
        current.ends_on = start - dt.timedelta(days=1)
        current.save(update_fields=["current", "ends_on", "updated_at"])
    service = placed_like(EstateService(estate=estate, kind=kind, company=company, starts_on=start), estate)
    service.save()
    audit_record(
        actor=actor,
        target=service,
        event="property.estate_service_set",
        data={
            "estate": estate.pk,
            "kind": kind,
            "company": company.pk if company else None,
            "previous": current.company_id if current else None,
            "starts_on": start.isoformat(),
        },
    )
    return service


# --- owners' committee ------------------------------------------------------------------------------


@dataclass
class CommitteeMemberInput:
    name: str
    post: str = CommitteePost.MEMBER
    is_party_member: bool = False
    party_member_id: int | None = None
    cross_appointed: bool = False


@dataclass
class CommitteeInput:
    elected_on: Any
    term_starts_on: Any = None
    term_ends_on: Any = None
    name: str = ""
    members: Iterable[CommitteeMemberInput] = field(default_factory=list)


def _member(estate: Estate, data: CommitteeMemberInput, i: int) -> CommitteeMember:
    name = v.text_required(data.name, f"members.{i}.name", "成员姓名", 50)
    if data.post not in CommitteePost.values:
        raise field_error(f"members.{i}.post", "请选择职务")
    member = _party_member(data.party_member_id, estate, f"members.{i}.party_member_id")
    return placed_like(
        CommitteeMember(
            name=name,
            post=data.post,
            is_party_member=bool(data.is_party_member or member is not None),
            party_member=member,
            cross_appointed=bool(data.cross_appointed),
        ),
        estate,
    )


def _new_committee(
    estate: Estate, data: CommitteeInput, today: dt.date
) -> tuple[OwnersCommittee, list[CommitteeMember]]:
    errors: dict[str, str] = {}
    elected = term_start = term_end = None
    try:
        elected = v.required_date(data.elected_on, "elected_on", "选举日期")
        v.not_future(elected, "elected_on", "选举日期", today)
        term_start = v.optional_date(data.term_starts_on, "term_starts_on", "任期开始") or elected
        term_end = v.optional_date(data.term_ends_on, "term_ends_on", "任期届满") or term_start.replace(
            year=term_start.year + 5
        ) - dt.timedelta(days=1)
        if term_end <= term_start:
            errors["term_ends_on"] = "任期届满应晚于任期开始"
        elif term_end > term_start.replace(year=term_start.year + 5):
            errors["term_ends_on"] = "业委会任期不超过5年"
    except ValidationFailed as exc:
        errors.update(exc.fields)
    name = (data.name or "").strip() or f"{estate.name}业主委员会"
    if len(name) > 100:
        errors["name"] = "名称不能超过100个字"
    members: list[CommitteeMember] = []
    for i, m in enumerate(data.members):
        try:
            members.append(_member(estate, m, i))
        except ValidationFailed as exc:
            errors.update(exc.fields)
    if not members and "members" not in errors:
        errors["members"] = "请填写业委会成员"
    if sum(1 for m in members if m.post == CommitteePost.CHAIR) > 1:
        errors["members"] = "业委会只能有一名主任"
    v.raise_all(errors)
    assert elected and term_start and term_end
    committee = placed_like(
        OwnersCommittee(
            estate=estate, name=name, elected_on=elected, term_starts_on=term_start, term_ends_on=term_end
        ),
        estate,
    )
    return committee, members


@transaction.atomic
def owners_committee_elect(*, actor: Actor, estate_id: int, data: CommitteeInput) -> OwnersCommittee:
    """A newly elected committee with its members (to be filed within 30 days of the election)."""
    estate = estate_for_manager(actor, estate_id, lock=True)
    committee, members = _new_committee(estate, data, timezone.localdate())
    if OwnersCommittee.objects.filter(estate=estate, status__in=CURRENT_COMMITTEE).exists():
        raise Conflict("该小区已有在任业委会，请先终止上一届", code="committee_in_office")
    try:
        with transaction.atomic():
            committee.save()
    except IntegrityError as exc:
        raise Conflict("该小区已有在任业委会，请先终止上一届", code="committee_in_office") from exc
    for m in members:
        m.committee = committee
    CommitteeMember.objects.bulk_create(members)
    audit_record(
        actor=actor,
        target=committee,
        event="property.committee_elected",
        data={
            "estate": estate.pk,
            "elected_on": committee.elected_on.isoformat(),
            "members": len(members),
            "party_members": sum(1 for m in members if m.is_party_member),
        },
    )
    return committee


def _locked_committee(actor: Actor, committee_id: int) -> OwnersCommittee:
    from gongzhi.property.selectors.estates import estate_row_visible_q

    committee = (
        OwnersCommittee.objects.select_for_update()
        .filter(estate_row_visible_q(actor), pk=committee_id)
        .first()
        if bounds.int_in_range(committee_id)
        else None
    )
    if committee is None:
        raise NotFound("业委会不存在或无权查看")
    require(actor, "property.manage_estate", committee)
    return committee


@transaction.atomic
def owners_committee_file(*, actor: Actor, committee_id: int, filed_on: Any = None) -> OwnersCommittee:
    """备案: the committee's filing with the subdistrict office."""
    committee = _locked_committee(actor, committee_id)
    committee.status = check_move(COMMITTEE, "file", committee.status)
    day = v.optional_date(filed_on, "filed_on", "备案日期") or timezone.localdate()
    v.not_future(day, "filed_on", "备案日期", timezone.localdate())
    if day < committee.elected_on:
        raise field_error("filed_on", "备案日期不能早于选举日期")
    committee.filed_on = day
    committee.save(update_fields=["status", "filed_on", "updated_at"])
    late = (day - committee.elected_on).days > 30
    audit_record(
        actor=actor,
        target=committee,
        event="property.committee_filed",
        data={
            "filed_on": day.isoformat(),
            "days_after_election": (day - committee.elected_on).days,
            "late": late,
        },
    )
    return committee


@transaction.atomic
def owners_committee_end(
    *, actor: Actor, committee_id: int, reason: str, ended_on: Any = None
) -> OwnersCommittee:
    committee = _locked_committee(actor, committee_id)
    committee.status = check_move(COMMITTEE, "end", committee.status)
    committee.end_reason = v.text_required(reason, "reason", "终止原因", 200)
    day = v.optional_date(ended_on, "ended_on", "终止日期") or timezone.localdate()
    committee.ended_on = day
    committee.save(update_fields=["status", "end_reason", "ended_on", "updated_at"])
    audit_record(
        actor=actor, target=committee, event="property.committee_ended", data={"reason": committee.end_reason}
    )
    return committee


@transaction.atomic
def committee_member_add(*, actor: Actor, committee_id: int, data: CommitteeMemberInput) -> CommitteeMember:
    committee = _locked_committee(actor, committee_id)
    if committee.status == CommitteeStatus.ENDED:
        raise Conflict("该届业委会已终止，不能再增补成员", code="committee_ended")
    member = _member(committee.estate, data, 0)
    if member.post == CommitteePost.CHAIR and committee.members.filter(post=CommitteePost.CHAIR).exists():
        raise field_error("members.0.post", "业委会只能有一名主任")
    member.committee = committee
    member.save()
    audit_record(
        actor=actor, target=member, event="property.committee_member_added", data={"committee": committee.pk}
    )
    return member


@transaction.atomic
def committee_member_remove(*, actor: Actor, member_id: int, reason: str) -> None:
    member = CommitteeMember.objects.filter(pk=member_id).first() if bounds.int_in_range(member_id) else None
    if member is None:
        raise NotFound("成员不存在或无权查看")
    committee = _locked_committee(actor, member.committee_id)
    reason = v.text_required(reason, "reason", "变更原因", 200)
    audit_record(
        actor=actor,
        target=committee,
        event="property.committee_member_removed",
        data={"member": member.pk, "name": member.name, "reason": reason},
    )
    member.delete()


# --- 同心桥 branch ----------------------------------------------------------------------------------


@dataclass
class RepresentativeInput:
    side: str
    name: str
    party_member_id: int | None = None
    company_id: int | None = None


@dataclass
class BranchInput:
    founded_on: Any = None
    name: str = ""
    secretary_name: str = ""
    party_organization_id: int | None = None
    alliance_id: int | None = None
    representatives: Iterable[RepresentativeInput] = field(default_factory=list)


def _representative(estate: Estate, data: RepresentativeInput, i: int) -> BranchRepresentative:
    if data.side not in BranchSide.values:
        raise field_error(f"representatives.{i}.side", "请选择代表方")
    name = v.text_required(data.name, f"representatives.{i}.name", "代表姓名", 50)
    member = _party_member(data.party_member_id, estate, f"representatives.{i}.party_member_id")
    company = None
    if data.company_id:
        company = PropertyCompany.objects.filter(
            pk=data.company_id, district_code=estate.district_code
        ).first()
        if company is None:
            raise field_error(f"representatives.{i}.company_id", "物业企业不存在")
    return placed_like(
        BranchRepresentative(side=data.side, name=name, party_member=member, company=company), estate
    )


@transaction.atomic
def tongxinqiao_branch_found(*, actor: Actor, estate_id: int, data: BranchInput) -> TongxinqiaoBranch:
    """Sets up the estate's 同心桥 branch with its representatives; each of the three sides (property
    company, owners' committee, grid party members) must send at least one."""
    from gongzhi.party.models import PartyOrganization

    estate = estate_for_manager(actor, estate_id, lock=True)
    errors: dict[str, str] = {}
    founded = None
    try:
        founded = v.optional_date(data.founded_on, "founded_on", "成立日期") or timezone.localdate()
        v.not_future(founded, "founded_on", "成立日期", timezone.localdate())
    except ValidationFailed as exc:
        errors.update(exc.fields)
    name = (data.name or "").strip() or f"{estate.name}“同心桥”党支部"
    if len(name) > 100:
        errors["name"] = "名称不能超过100个字"
    secretary = (data.secretary_name or "").strip()
    if len(secretary) > 50:
        errors["secretary_name"] = "书记姓名不能超过50个字"
    party_org = alliance = None
    if data.party_organization_id:
        party_org = PartyOrganization.objects.filter(
            pk=data.party_organization_id, community_code=estate.community_code
        ).first()
        if party_org is None:
            errors["party_organization_id"] = "党组织不存在或不在本社区"
    if data.alliance_id:
        alliance = PropertyOrganization.objects.filter(
            pk=data.alliance_id, subdistrict_code=estate.subdistrict_code
        ).first()
        if alliance is None:
            errors["alliance_id"] = "党建联盟不存在或不在本街道"
    reps: list[BranchRepresentative] = []
    for i, given in enumerate(data.representatives):
        try:
            reps.append(_representative(estate, given, i))
        except ValidationFailed as exc:
            errors.update(exc.fields)
    missing = [str(BranchSide(s).label) for s in BranchSide.values if s not in {r.side for r in reps}]
    if (
        missing
        and "representatives" not in errors
        and not any(k.startswith("representatives.") for k in errors)
    ):
        errors["representatives"] = f"“三方协同”：还缺{'、'.join(missing)}"
    v.raise_all(errors)
    assert founded is not None
    if TongxinqiaoBranch.objects.filter(estate=estate, active=True).exists():
        raise Conflict("该小区已有同心桥党支部", code="branch_exists")
    branch = placed_like(
        TongxinqiaoBranch(
            estate=estate,
            name=name,
            secretary_name=secretary,
            party_organization=party_org,
            alliance=alliance,
            founded_on=founded,
        ),
        estate,
    )
    branch.save()
    for r in reps:
        r.branch = branch
    try:
        with transaction.atomic():
            BranchRepresentative.objects.bulk_create(reps)
    except IntegrityError as exc:
        raise field_error("representatives", "同一代表方的代表姓名重复") from exc
    audit_record(
        actor=actor,
        target=branch,
        event="property.branch_founded",
        data={
            "estate": estate.pk,
            "representatives": {s: sum(1 for r in reps if r.side == s) for s in BranchSide.values},
        },
    )
    return branch


def _locked_branch(actor: Actor, branch_id: int) -> TongxinqiaoBranch:
    from gongzhi.property.selectors.estates import estate_row_visible_q

    branch = (
        TongxinqiaoBranch.objects.select_for_update()
        .filter(estate_row_visible_q(actor), pk=branch_id)
        .first()
        if bounds.int_in_range(branch_id)
        else None
    )
    if branch is None:
        raise NotFound("同心桥党支部不存在或无权查看")
    require(actor, "property.manage_estate", branch)
    return branch


@transaction.atomic
def branch_representative_add(
    *, actor: Actor, branch_id: int, data: RepresentativeInput
) -> BranchRepresentative:
    branch = _locked_branch(actor, branch_id)
    row = _representative(branch.estate, data, 0)
    row.branch = branch
    if BranchRepresentative.objects.filter(branch=branch, side=row.side, name=row.name).exists():
        raise field_error("representatives.0.name", "该代表已在册")
    row.save()
    audit_record(
        actor=actor,
        target=row,
        event="property.branch_representative_added",
        data={"branch": branch.pk, "side": row.side},
    )
    return row


@transaction.atomic
def branch_representative_remove(*, actor: Actor, representative_id: int, reason: str) -> None:
    rep = (
        BranchRepresentative.objects.filter(pk=representative_id).first()
        if bounds.int_in_range(representative_id)
        else None
    )
    if rep is None:
        raise NotFound("代表不存在或无权查看")
    branch = _locked_branch(actor, rep.branch_id)
    reason = v.text_required(reason, "reason", "变更原因", 200)
    if not BranchRepresentative.objects.filter(branch=branch, side=rep.side).exclude(pk=rep.pk).exists():
        raise Conflict(
            f"“三方协同”：{rep.get_side_display()}只剩这一名，请先增补再调整", code="branch_side_empty"
        )
    audit_record(
        actor=actor,
        target=branch,
        event="property.branch_representative_removed",
        data={"representative": rep.pk, "name": rep.name, "side": rep.side, "reason": reason},
    )
    rep.delete()


# --- red captains -----------------------------------------------------------------------------------


@transaction.atomic
def red_captain_post_assign(
    *,
    actor: Actor,
    estate_id: int,
    kind: str,
    holder_name: str,
    building_id: int | None = None,
    party_member_id: int | None = None,
    since: Any = None,
) -> CaptainPost:
    from gongzhi.places.models import Building

    estate = estate_for_manager(actor, estate_id)
    if kind not in CaptainKind.values:
        raise field_error("kind", "请选择岗位")
    name = v.text_required(holder_name, "holder_name", "姓名", 50)
    building = None
    if building_id:
        building = (
            Building.objects.filter(pk=building_id, estate=estate).first()
            if bounds.int_in_range(building_id)
            else None
        )
        if building is None:
            raise field_error("building_id", "楼栋不在本小区")
    member = _party_member(party_member_id, estate, "party_member_id")
    day = v.optional_date(since, "since", "上岗日期") or timezone.localdate()
    post = placed_like(
        CaptainPost(
            estate=estate, building=building, kind=kind, holder_name=name, party_member=member, since=day
        ),
        estate,
    )
    if building is not None:
        post.set_place_codes(grid_code=building.grid_code)
    post.save()
    audit_record(
        actor=actor,
        target=post,
        event="property.captain_assigned",
        data={"estate": estate.pk, "building": building.pk if building else None, "kind": kind},
    )
    return post


@transaction.atomic
def red_captain_post_end(*, actor: Actor, post_id: int, reason: str) -> CaptainPost:
    from gongzhi.property.selectors.estates import estate_row_visible_q

    post = (
        CaptainPost.objects.select_for_update().filter(estate_row_visible_q(actor), pk=post_id).first()
        if bounds.int_in_range(post_id)
        else None
    )
    if post is None:
        raise NotFound("岗位不存在或无权查看")
    require(actor, "property.manage_estate", post)
    if not post.active:
        raise Conflict("该岗位已卸任", code="captain_ended")
    reason = v.text_required(reason, "reason", "卸任原因", 200)
    post.active = False
    post.save(update_fields=["active", "updated_at"])
    audit_record(actor=actor, target=post, event="property.captain_ended", data={"reason": reason})
    return post
