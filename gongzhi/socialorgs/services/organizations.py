"""Writes of the registry: register an organisation (the volunteers app's row and its profile), complete
the profile of an organisation a volunteer team already named, incubation (entry, milestones, graduation
or exit), yearly plans, social workers; the demo's batch paths."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from gongzhi.audit.services import audit_record
from gongzhi.core import bounds, ids
from gongzhi.core.errors import Conflict, NotFound, ValidationFailed
from gongzhi.core.permissions import require
from gongzhi.core.workflow import check_move
from gongzhi.socialorgs.enums import (
    ENVOY_LEVELS,
    FIELDS,
    WORKER_LEVELS,
    IncubationStatus,
    LegalStatus,
    OrganizationKind,
    WorkerKind,
)
from gongzhi.socialorgs.models import (
    Incubation,
    IncubationMilestone,
    OrganizationProfile,
    SocialWorker,
    YearlyPlan,
)
from gongzhi.socialorgs.services._validation import _count, _day, _raise_errors, _text
from gongzhi.socialorgs.services._validation import _year as check_year
from gongzhi.socialorgs.transitions import INCUBATION

if TYPE_CHECKING:
    from gongzhi.core.types import Actor
    from gongzhi.places.models import Community
    from gongzhi.volunteers.models import SocialOrganization


@dataclass
class ProfileInput:
    kind: str
    legal_status: str
    field: str
    filing_number: str = ""
    founded_on: dt.date | None = None
    members_count: int = 0
    leader_name: str = ""
    party_organization_id: int | None = None
    party_instructor: str = ""
    contact_name: str = ""
    contact_phone: str = ""


def _community(community_id: Any) -> Community:
    from gongzhi.places.models import Community

    community = (
        Community.objects.filter(pk=community_id).first()
        if isinstance(community_id, int) and bounds.int_in_range(community_id)
        else None
    )
    if community is None:
        raise ValidationFailed("请选择社区", fields={"community_id": "请选择社区"})
    return community


def _clean_profile(data: ProfileInput, community_code: str, exclude_pk: int | None = None) -> dict[str, Any]:
    from gongzhi.party.models import PartyOrganization

    errors: dict[str, str] = {}
    out: dict[str, Any] = {
        "filing_number": _text(errors, "filing_number", data.filing_number, "登记/备案编号", 40, False),
        "leader_name": _text(errors, "leader_name", data.leader_name, "负责人", 50, False),
        "party_instructor": _text(errors, "party_instructor", data.party_instructor, "党建指导员", 50, False),
        "contact_name": _text(errors, "contact_name", data.contact_name, "联系人", 50, False),
    }
    if data.kind not in OrganizationKind.values:
        errors["kind"] = "请选择组织类型：枢纽型、行业类或社区服务类"
    if data.legal_status not in LegalStatus.values:
        errors["legal_status"] = "请选择登记情况：民政部门登记或街道备案"
    elif data.legal_status == LegalStatus.FILED and not out["filing_number"]:
        errors["filing_number"] = "街道备案的组织请填写备案编号"
    if data.field not in FIELDS:
        errors["field"] = "请选择服务领域"
    out["members_count"] = _count(errors, "members_count", data.members_count, "成员人数", 100000)
    if data.founded_on is not None and (
        not bounds.date_in_range(data.founded_on) or data.founded_on > timezone.localdate()
    ):
        errors["founded_on"] = "成立日期不能晚于今天"
    party_org = None
    if data.party_organization_id:
        party_org = (
            PartyOrganization.objects.filter(
                pk=data.party_organization_id, district_code=community_code[:6]
            ).first()
            if bounds.int_in_range(data.party_organization_id)
            else None
        )
        if party_org is None:
            errors["party_organization_id"] = "党组织不存在或不在本区"
    if party_org is None and not out["party_instructor"] and "party_instructor" not in errors:
        errors["party_instructor"] = "请选择组织的党组织，或填写选派的党建指导员"
    if out["filing_number"]:
        dup = OrganizationProfile.objects.filter(filing_number=out["filing_number"])
        if exclude_pk:
            dup = dup.exclude(pk=exclude_pk)
        if dup.exists():
            errors["filing_number"] = "该登记/备案编号已登记"
    phone = None
    if (data.contact_phone or "").strip():
        try:
            phone = ids.Protected.of_phone(ids.normalise_phone(data.contact_phone, "contact_phone"))
        except ValidationFailed as exc:
            errors.update(exc.fields)
    _raise_errors(errors)
    out.update(
        kind=data.kind,
        legal_status=data.legal_status,
        field=data.field,
        founded_on=data.founded_on,
        party_organization=party_org,
    )
    if phone is not None:
        out.update(
            contact_phone_encrypted=phone.encrypted,
            contact_phone_hash=phone.hash,
            contact_phone_masked=phone.masked,
        )
    return out


def _clean_uscc(value: str) -> str:
    from stdnum.cn import uscc as uscc_std
    from stdnum.exceptions import ValidationError as StdnumError

    code = (value or "").strip().upper()
    if not code:
        return ""
    try:
        return str(uscc_std.validate(code))
    except StdnumError:
        raise ValidationFailed(
            "统一社会信用代码格式不正确", fields={"uscc": "统一社会信用代码格式不正确"}
        ) from None


def _new_profile(org: SocialOrganization, clean: dict[str, Any]) -> OrganizationProfile:
    profile = OrganizationProfile(organization=org, **clean)
    profile.set_place_codes(community_code=org.community_code)
    return profile


@transaction.atomic
def socialorg_register(
    *, actor: Actor, community_id: Any, name: str, data: ProfileInput, uscc: str = "", description: str = ""
) -> OrganizationProfile:
    """A new organisation in the registry: the volunteers app's row (name, USCC) and its profile."""
    from gongzhi.volunteers.services.teams import social_organization_create

    community = _community(community_id)
    require(
        actor,
        "socialorgs.manage_organization",
        community,
        error=ValidationFailed(
            "只能在本人负责的社区登记社会组织", fields={"community_id": "只能在本人负责的社区登记社会组织"}
        ),
    )
    code = _clean_uscc(uscc)
    clean = _clean_profile(data, community.code)
    org = social_organization_create(
        actor=actor,
        community_id=community.pk,
        name=name,
        uscc=code,
        field_of_service=data.field,
        contact_name=clean["contact_name"],
        description=(description or "")[:2000],
    )
    profile = _new_profile(org, clean)
    profile.save()
    audit_record(
        actor=actor,
        target=profile,
        event="socialorgs.organization_registered",
        data={"name": org.name, "kind": profile.kind, "legal_status": profile.legal_status},
    )
    return profile


def _organization_locked(actor: Actor, organization_id: Any) -> SocialOrganization:
    from gongzhi.socialorgs.selectors import socialorg_place_q
    from gongzhi.volunteers.models import SocialOrganization

    org = (
        SocialOrganization.objects.select_for_update(of=("self",))
        .filter(socialorg_place_q(actor), pk=organization_id)
        .first()
        if isinstance(organization_id, int) and bounds.int_in_range(organization_id)
        else None
    )
    if org is None:
        raise NotFound("社会组织不存在或无权查看")
    require(actor, "socialorgs.manage_organization", org)
    return org


@transaction.atomic
def socialorg_profile_save(*, actor: Actor, organization_id: int, data: ProfileInput) -> OrganizationProfile:
    """Complete (or correct) the registry profile of an organisation already on record — e.g. one a
    volunteer team named before the registry existed."""
    org = _organization_locked(actor, organization_id)
    profile = OrganizationProfile.objects.filter(organization=org).first()
    clean = _clean_profile(data, org.community_code, exclude_pk=profile.pk if profile else None)
    if profile is None:
        profile = _new_profile(org, clean)
        profile.save()
        event, changed = "socialorgs.profile_completed", sorted(clean)
    else:
        changed = sorted(k for k, v in clean.items() if getattr(profile, k) != v)
        for k in changed:
            setattr(profile, k, clean[k])
        profile.save()
        event = "socialorgs.profile_changed"
    audit_record(actor=actor, target=profile, event=event, data={"fields": changed})
    return profile


# --- incubation -----------------------------------------------------------------------------------


@transaction.atomic
def incubation_enter(
    *,
    actor: Actor,
    organization_id: int,
    cohort: str,
    mentor_name: str,
    entered_on: dt.date | None = None,
    milestones: list[tuple[str, dt.date]] | None = None,
) -> Incubation:
    org = _organization_locked(actor, organization_id)
    errors: dict[str, str] = {}
    cohort = _text(errors, "cohort", cohort, "孵化批次", 40, True)
    mentor_name = _text(errors, "mentor_name", mentor_name, "导师", 50, True)
    entered = _day(errors, "entered_on", entered_on, "入驻日期")
    steps = []
    for title, due in milestones or []:
        t = _text(errors, "milestones", title, "孵化节点", 100, True)
        if not bounds.date_in_range(due) or due < entered:
            errors["milestones"] = "孵化节点的计划日期应在入驻之后"
        steps.append((t, due))
    _raise_errors(errors)
    if Incubation.objects.filter(organization=org, status=IncubationStatus.INCUBATING).exists():
        raise Conflict("该组织正在孵化中，不能重复入驻", code="duplicate")
    inc = Incubation(organization=org, cohort=cohort, mentor_name=mentor_name, entered_on=entered)
    inc.set_place_codes(community_code=org.community_code)
    inc.save()
    IncubationMilestone.objects.bulk_create(
        [IncubationMilestone(incubation=inc, title=t, due_on=d) for t, d in steps]
    )
    audit_record(
        actor=actor,
        target=inc,
        event="socialorgs.incubation_entered",
        data={"organization": org.pk, "cohort": cohort, "milestones": len(steps)},
    )
    return inc


def _incubation_locked(actor: Actor, incubation_id: int) -> Incubation:
    from gongzhi.socialorgs.selectors import socialorg_place_q

    inc = (
        Incubation.objects.select_for_update(of=("self",))
        .filter(socialorg_place_q(actor), pk=incubation_id)
        .first()
        if bounds.int_in_range(incubation_id)
        else None
    )
    if inc is None:
        raise NotFound("孵化记录不存在或无权查看")
    require(actor, "socialorgs.manage_organization", inc)
    return inc


@transaction.atomic
def incubation_milestone_add(
    *, actor: Actor, incubation_id: int, title: str, due_on: dt.date | None, done_on: dt.date | None = None
) -> IncubationMilestone:
    inc = _incubation_locked(actor, incubation_id)
    check_move(INCUBATION, "milestone", inc.status)
    errors: dict[str, str] = {}
    title = _text(errors, "title", title, "孵化节点", 100, True)
    if not isinstance(due_on, dt.date) or not bounds.date_in_range(due_on) or due_on < inc.entered_on:
        errors["due_on"] = "计划完成日期应在入驻之后"
    if done_on is not None:
        _day(errors, "done_on", done_on, "完成日期")
    _raise_errors(errors)
    assert due_on is not None
    step = IncubationMilestone.objects.create(incubation=inc, title=title, due_on=due_on, done_on=done_on)
    audit_record(
        actor=actor,
        target=inc,
        event="socialorgs.milestone_added",
        data={"title": title, "done": bool(done_on)},
    )
    return step


@transaction.atomic
def incubation_milestone_done(
    *, actor: Actor, milestone_id: int, done_on: dt.date | None = None, note: str = ""
) -> IncubationMilestone:
    step = (
        IncubationMilestone.objects.filter(pk=milestone_id).first()
        if bounds.int_in_range(milestone_id)
        else None
    )
    if step is None:
        raise NotFound("孵化节点不存在")
    inc = _incubation_locked(actor, step.incubation_id)
    check_move(INCUBATION, "milestone", inc.status)
    errors: dict[str, str] = {}
    when = _day(errors, "done_on", done_on, "完成日期")
    note = _text(errors, "note", note, "说明", 200, False)
    _raise_errors(errors)
    if step.done_on is not None:
        raise Conflict("该孵化节点已完成")
    step.done_on, step.note = when, note
    step.save(update_fields=["done_on", "note"])
    audit_record(actor=actor, target=inc, event="socialorgs.milestone_done", data={"milestone": step.pk})
    return step


def _incubation_end(
    actor: Actor, incubation_id: int, move: str, note: str, ended_on: dt.date | None
) -> Incubation:
    inc = _incubation_locked(actor, incubation_id)
    new = check_move(INCUBATION, move, inc.status)
    errors: dict[str, str] = {}
    label = "出壳评估" if move == "graduate" else "退出原因"
    note = _text(errors, "end_note", note, label, 500, True)
    when = _day(errors, "ended_on", ended_on, "日期")
    if when < inc.entered_on:
        errors["ended_on"] = "日期不能早于入驻日期"
    _raise_errors(errors)
    if move == "graduate" and inc.milestones.filter(done_on__isnull=True).exists():
        raise Conflict("尚有孵化节点未完成，不能出壳", code="milestones_open")
    inc.status, inc.ended_on, inc.end_note = new, when, note
    inc.save(update_fields=["status", "ended_on", "end_note", "updated_at"])
    audit_record(
        actor=actor, target=inc, event=f"socialorgs.incubation_{new}", data={"note": note, "on": str(when)}
    )
    return inc


@transaction.atomic
def incubation_graduate(
    *, actor: Actor, incubation_id: int, note: str, ended_on: dt.date | None = None
) -> Incubation:
    """出壳: every milestone done; the assessment is written down."""
    return _incubation_end(actor, incubation_id, "graduate", note, ended_on)


@transaction.atomic
def incubation_exit(
    *, actor: Actor, incubation_id: int, note: str, ended_on: dt.date | None = None
) -> Incubation:
    return _incubation_end(actor, incubation_id, "exit", note, ended_on)


# --- yearly plans ---------------------------------------------------------------------------------


@transaction.atomic
def yearly_plan_file(
    *,
    actor: Actor,
    organization_id: int,
    year: int,
    goals: str,
    planned_projects: int = 0,
    planned_person_times: int = 0,
) -> YearlyPlan:
    """The organisation's yearly development plan, filed (again: the later filing replaces the text)."""
    org = _organization_locked(actor, organization_id)
    errors: dict[str, str] = {}
    y = check_year(errors, year)
    goals = _text(errors, "goals", goals, "发展目标", 4000, True)
    projects = _count(errors, "planned_projects", planned_projects, "计划项目数", 1000)
    persons = _count(errors, "planned_person_times", planned_person_times, "计划服务人次")
    _raise_errors(errors)
    plan = YearlyPlan.objects.filter(organization=org, year=y).first() or YearlyPlan(organization=org, year=y)
    plan.goals, plan.planned_projects, plan.planned_person_times = goals, projects, persons
    plan.filed_by_id = getattr(actor, "pk", None)
    plan.set_place_codes(community_code=org.community_code)
    plan.save()
    audit_record(
        actor=actor,
        target=plan,
        event="socialorgs.plan_filed",
        data={"organization": org.pk, "year": y, "projects": projects},
    )
    return plan


# --- social workers -------------------------------------------------------------------------------


@dataclass
class WorkerInput:
    name: str
    kind: str
    level: str
    certificate_number: str
    issued_on: dt.date | None
    expires_on: dt.date | None = None
    organization_id: int | None = None
    phone: str = ""


def _clean_worker(data: WorkerInput, community: Community) -> dict[str, Any]:
    from gongzhi.volunteers.models import SocialOrganization

    errors: dict[str, str] = {}
    out: dict[str, Any] = {
        "name": _text(errors, "name", data.name, "姓名", 50, True),
        "certificate_number": _text(
            errors, "certificate_number", data.certificate_number, "证书编号", 50, True
        ),
    }
    if data.kind not in WorkerKind.values:
        errors["kind"] = "请选择类别：持证社工或和谐使者"
    levels = WORKER_LEVELS if data.kind == WorkerKind.LICENSED_SOCIAL_WORKER else ENVOY_LEVELS
    if data.level not in levels:
        errors["level"] = f"等级应为{'、'.join(levels)}之一"
    if data.issued_on is None:
        errors["issued_on"] = "请填写取得日期"
    else:
        _day(errors, "issued_on", data.issued_on, "取得日期")
    if data.expires_on is not None and (
        not bounds.date_in_range(data.expires_on) or (data.issued_on and data.expires_on <= data.issued_on)
    ):
        errors["expires_on"] = "有效期应晚于取得日期"
    org = None
    if data.organization_id:
        org = (
            SocialOrganization.objects.filter(pk=data.organization_id, community=community).first()
            if bounds.int_in_range(data.organization_id)
            else None
        )
        if org is None:
            errors["organization_id"] = "社会组织不存在或不在本社区"
    phone = None
    if (data.phone or "").strip():
        try:
            phone = ids.Protected.of_phone(ids.normalise_phone(data.phone, "phone"))
        except ValidationFailed as exc:
            errors.update(exc.fields)
    _raise_errors(errors)
    out.update(
        kind=data.kind,
        level=data.level,
        issued_on=data.issued_on,
        expires_on=data.expires_on,
        organization=org,
    )
    from gongzhi.training.models import Qualification

    # the grid academy's record of the same certificate, if it has one
    out["qualification"] = Qualification.objects.filter(
        kind=data.kind, number=out["certificate_number"], social_worker__isnull=True
    ).first()
    if phone is not None:
        out.update(phone_encrypted=phone.encrypted, phone_hash=phone.hash, phone_masked=phone.masked)
    return out


@transaction.atomic
def social_worker_register(*, actor: Actor, community_id: Any, data: WorkerInput) -> SocialWorker:
    community = _community(community_id)
    require(
        actor,
        "socialorgs.manage_organization",
        community,
        error=ValidationFailed(
            "只能登记本人负责社区的社工", fields={"community_id": "只能登记本人负责社区的社工"}
        ),
    )
    clean = _clean_worker(data, community)
    if SocialWorker.objects.filter(
        kind=clean["kind"], certificate_number=clean["certificate_number"]
    ).exists():
        raise ValidationFailed("该证书编号已登记", fields={"certificate_number": "该证书编号已登记"})
    worker = SocialWorker(community=community, **clean)
    worker.set_place_codes(community_code=community.code)
    worker.save()
    audit_record(
        actor=actor,
        target=worker,
        event="socialorgs.worker_registered",
        data={"kind": worker.kind, "level": worker.level, "number": worker.certificate_number},
    )
    return worker


# --- the demo's batch paths -----------------------------------------------------------------------


@dataclass
class ProfileRow:
    organization: SocialOrganization
    data: ProfileInput


@transaction.atomic
def socialorg_profiles_bulk_save(*, actor: Actor | None, rows: list[ProfileRow]) -> list[OrganizationProfile]:
    """Profiles of many organisations at once (the demo district, an import): one audit row."""
    if not rows:
        return []
    out = [_new_profile(r.organization, _clean_profile(r.data, r.organization.community_code)) for r in rows]
    OrganizationProfile.objects.bulk_create(out, batch_size=500)
    audit_record(actor=actor, target=out[0], event="socialorgs.profiles_imported", data={"count": len(out)})
    return out


@dataclass
class WorkerRow:
    community: Community
    data: WorkerInput


@transaction.atomic
def social_workers_bulk_register(*, actor: Actor | None, rows: list[WorkerRow]) -> list[SocialWorker]:
    if not rows:
        return []
    out = []
    for r in rows:
        w = SocialWorker(community=r.community, **_clean_worker(r.data, r.community))
        w.set_place_codes(community_code=r.community.code)
        out.append(w)
    SocialWorker.objects.bulk_create(out, batch_size=500)
    audit_record(actor=actor, target=out[0], event="socialorgs.workers_imported", data={"count": len(out)})
    return out
