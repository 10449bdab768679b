"""Nobody decides on their own work: the self-confirmation list (issue 18, ``gongzhi/core/duties.py``).

``CASES`` enumerates every service that confirms, approves, verifies, accepts, rejects, signs, rates or
otherwise decides, each with a case in the small district where the actor is the subject or the author
of what is decided (a team leader and their own hours, a community worker who is also the party member,
the unit's liaison on the community's side of its agreement, the grid worker who fixed the problem…).
Each call must answer the one refusal — 403, code ``own_work``, a Chinese message — and leave the rows
it would change and the audit trail as they were. ``BATCHES`` are the bulk paths that confirm many rows
at once: they leave the actor's own row pending for someone else and confirm the rest.

``test_every_deciding_service_is_listed_or_exempted`` keeps the list whole: a public service function
in ``gongzhi/*/services`` whose name says it decides is either here or in ``EXEMPT`` with the reason.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from gongzhi.testing import SmallDistrict, build_small_district
from gongzhi.testing.worlds import shared_world

GONGZHI = Path(__file__).resolve().parents[2]

# --- the world: the small district, built once for the module ---------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[SmallDistrict]:
    with shared_world(django_db_blocker, tmp_path_factory.mktemp("own-work-media")):
        yield build_small_district()


def _cw(d: SmallDistrict) -> Any:
    return d.user("community_worker")


def _yesterday_session(d: SmallDistrict, team: Any, *, days: int = 1) -> Any:
    from gongzhi.volunteers.services.activities import activity_create

    day = timezone.localdate() - dt.timedelta(days=days)
    activity = activity_create(
        actor=_cw(d),
        team_id=team.pk,
        title="社区义诊",
        venue="银山社区党群服务中心",
        capacity=10,
        start_date=day,
        start_time=dt.time(9, 0),
        end_time=dt.time(11, 0),
    )
    return activity.sessions.get()


def _volunteer_of(d: SmallDistrict, n: int) -> tuple[Any, Any]:
    """The resident account of person g1/n and their volunteer profile."""
    from gongzhi.people.services import resident_account_for_phone
    from gongzhi.volunteers.models import Volunteer
    from gongzhi.volunteers.services.teams import volunteer_profile_update

    user = resident_account_for_phone(phone_hash=d.persons["g1"][n].phone_hash)
    volunteer_profile_update(actor=user, skills=["medical"], availability_pattern="678")
    return user, Volunteer.objects.get(user=user)


def _team(d: SmallDistrict) -> Any:
    from gongzhi.volunteers.services.teams import team_create

    return team_create(
        actor=_cw(d), community_id=d.communities["A1"].pk, name="银山社区红马甲志愿服务队", skills=["general"]
    )


def _served(d: SmallDistrict, session: Any, volunteer: Any, hours: int = 2) -> Any:
    from gongzhi.volunteers.models import ServiceHours
    from gongzhi.volunteers.services.attendance import attendance_record

    attendance_record(
        actor=_cw(d),
        session_id=session.pk,
        volunteer_id=volunteer.pk,
        check_in_at=session.starts_at,
        check_out_at=session.starts_at + dt.timedelta(hours=hours),
    )
    return ServiceHours.objects.get(session=session, volunteer=volunteer)


def _leader_with_pending_hours(d: SmallDistrict, *, days: int = 1) -> tuple[Any, Any]:
    """The finding: a resident who leads a volunteer team, with 2 hours of their own pending."""
    from gongzhi.volunteers.enums import MembershipRole
    from gongzhi.volunteers.services.teams import team_member_add

    team = _team(d)
    user, volunteer = _volunteer_of(d, 0)
    team_member_add(actor=_cw(d), team_id=team.pk, volunteer_id=volunteer.pk, role=MembershipRole.LEADER)
    return user, _served(d, _yesterday_session(d, team, days=days), volunteer)


def _staff_volunteer(d: SmallDistrict) -> tuple[Any, Any]:
    """A resident volunteer who is also a community worker of their own community."""
    from gongzhi.accounts.services import role_assign
    from gongzhi.core.roles import Role

    user, volunteer = _volunteer_of(d, 1)
    role_assign(actor=None, user=user, role=Role.COMMUNITY_WORKER, place_code=d.communities["A1"].code)
    return user, volunteer


def _hours_state(hours: Any) -> Any:
    from gongzhi.volunteers.models import HoursEditRequest, ServiceHours, Volunteer

    return (
        list(ServiceHours.objects.filter(pk=hours.pk).values_list("status", "hours", "confirmed_by_id")),
        list(Volunteer.objects.filter(pk=hours.volunteer_id).values_list("total_hours", "star_level")),
        list(HoursEditRequest.objects.filter(service_hours=hours).values_list("status", "decided_by_id")),
    )


# A case: builds its rows in the world and returns the refused call and what it must leave unchanged.
Built = tuple[Callable[[], Any], Callable[[], Any]]


def hours_confirm_by_the_leader(d: SmallDistrict) -> Built:
    from gongzhi.volunteers.services.hours import hours_confirm

    user, hours = _leader_with_pending_hours(d)
    return (lambda: hours_confirm(actor=user, hours_id=hours.pk)), (lambda: _hours_state(hours))


def hours_reject_by_the_leader(d: SmallDistrict) -> Built:
    from gongzhi.volunteers.services.hours import hours_reject

    user, hours = _leader_with_pending_hours(d)
    return (lambda: hours_reject(actor=user, hours_id=hours.pk, reason="时间不对")), (
        lambda: _hours_state(hours)
    )


def hours_correction_of_own_hours(d: SmallDistrict) -> Built:
    """The finding: the leader asks for 2 h → 22 h on their own confirmed hours and approves it."""
    from gongzhi.volunteers.services.hours import (
        hours_confirm,
        hours_edit_request_create,
        hours_edit_request_decide,
    )

    user, hours = _leader_with_pending_hours(d, days=2)
    hours_confirm(actor=_cw(d), hours_id=hours.pk)
    request = hours_edit_request_create(
        actor=user,
        hours_id=hours.pk,
        started_at=hours.started_at,
        ended_at=hours.started_at + dt.timedelta(hours=22),
        reason="实际服务到第二天早上",
    )
    return (lambda: hours_edit_request_decide(actor=user, request_id=request.pk, approve=True)), (
        lambda: _hours_state(hours)
    )


def hours_correction_asked_by_the_decider(d: SmallDistrict) -> Built:
    """An organiser asks for a correction of someone else's hours: another one decides it."""
    from gongzhi.volunteers.services.hours import hours_edit_request_create, hours_edit_request_decide

    _user, hours = _leader_with_pending_hours(d, days=2)
    cw = _cw(d)
    request = hours_edit_request_create(
        actor=cw,
        hours_id=hours.pk,
        started_at=hours.started_at,
        ended_at=hours.started_at + dt.timedelta(hours=3),
        reason="签退扫码失败",
    )
    return (lambda: hours_edit_request_decide(actor=cw, request_id=request.pk, approve=True)), (
        lambda: _hours_state(hours)
    )


def certificate_for_oneself(d: SmallDistrict) -> Built:
    from gongzhi.volunteers.models import Certificate
    from gongzhi.volunteers.services.certificates import certificate_issue
    from gongzhi.volunteers.services.hours import hours_confirm

    user, volunteer = _staff_volunteer(d)
    hours = _served(d, _yesterday_session(d, _team(d)), volunteer)
    hours_confirm(actor=_cw(d), hours_id=hours.pk)
    return (lambda: certificate_issue(actor=user, volunteer_id=volunteer.pk)), (
        lambda: list(Certificate.objects.values_list("pk"))
    )


@dataclass
class StaffMember:
    """A party member who registered with their community themself and is also its community worker."""

    user: Any
    member: Any
    registration: Any


def _staff_member(d: SmallDistrict, *, accepted: bool = False) -> StaffMember:
    from gongzhi.accounts.services import role_assign, user_create
    from gongzhi.core.roles import Role
    from gongzhi.party.services.registration import member_register, registration_accept

    a1 = d.communities["A1"]
    user = user_create(actor=None, username="wang_weiyuan", password=None, display_name="王委员")
    role_assign(actor=None, user=user, role=Role.PARTY_MEMBER, place_code=a1.code)
    reg = member_register(
        actor=user,
        community_id=a1.pk,
        name="王委员",
        phone="13906419999",
        address="银山小区1号楼1单元101",
        workplace_org="区卫健委机关党委",
        skills=["medical"],
    )
    assert reg.member.user_id == user.pk
    role_assign(actor=None, user=user, role=Role.COMMUNITY_WORKER, place_code=a1.code)
    if accepted:
        reg = registration_accept(
            actor=_cw(d), registration_id=reg.pk, classification="medical", grid_code=d.grids["g1"].code
        )
    return StaffMember(user, reg.member, reg)


def _registration_state(reg: Any) -> Any:
    from gongzhi.party.models import MemberRegistration

    return list(
        MemberRegistration.objects.filter(member_id=reg.member_id).values_list(
            "pk", "status", "card_number", "decided_by_id"
        )
    )


def registration_accept_own(d: SmallDistrict) -> Built:
    from gongzhi.party.services.registration import registration_accept

    s = _staff_member(d)
    call = lambda: registration_accept(  # noqa: E731
        actor=s.user,
        registration_id=s.registration.pk,
        classification="medical",
        grid_code=d.grids["g1"].code,
    )
    return call, lambda: _registration_state(s.registration)


def registration_return_own(d: SmallDistrict) -> Built:
    from gongzhi.party.services.registration import registration_return

    s = _staff_member(d)
    call = lambda: registration_return(actor=s.user, registration_id=s.registration.pk, reason="重新填写")  # noqa: E731
    return call, lambda: _registration_state(s.registration)


def members_bulk_with_oneself(d: SmallDistrict) -> Built:
    from gongzhi.party.models import MemberRegistration, PartyMember
    from gongzhi.party.services.registration import (
        AcceptedMember,
        MemberInput,
        members_bulk_register_accepted,
    )

    s = _staff_member(d)
    g1 = d.grids["g1"].code

    def entry(name: str, phone: str) -> AcceptedMember:
        return AcceptedMember(
            member=MemberInput(name, phone, "银山小区2号楼", workplace_org="区教体局机关党委"),
            grid_code=g1,
            classification="medical",
        )

    entries = [entry("刘老师", "13906418888"), entry("王委员", "13906419999")]
    call = lambda: members_bulk_register_accepted(  # noqa: E731
        actor=s.user, community_id=d.communities["A1"].pk, entries=entries
    )
    return call, lambda: (PartyMember.objects.count(), MemberRegistration.objects.count())


def _record_state(record: Any) -> Any:
    from gongzhi.party.models import ServiceRecord

    return list(ServiceRecord.objects.filter(pk=record.pk).values_list("status", "confirmed_by_id", "rating"))


def _own_record(d: SmallDistrict) -> tuple[StaffMember, Any]:
    from gongzhi.party.services.serving import service_record_submit

    s = _staff_member(d, accepted=True)
    record = service_record_submit(
        actor=s.user,
        served_on=timezone.localdate() - dt.timedelta(days=1),
        hours="2",
        content="社区义诊测血压",
        member_id=s.member.pk,
    )
    return s, record


def service_record_confirm_own(d: SmallDistrict) -> Built:
    from gongzhi.party.services.serving import service_record_confirm

    s, record = _own_record(d)
    return (lambda: service_record_confirm(actor=s.user, record_id=record.pk, rating=5)), (
        lambda: _record_state(record)
    )


def service_record_reject_own(d: SmallDistrict) -> Built:
    from gongzhi.party.services.serving import service_record_reject

    s, record = _own_record(d)
    return (lambda: service_record_reject(actor=s.user, record_id=record.pk, reason="重复登记")), (
        lambda: _record_state(record)
    )


def service_records_bulk_with_oneself(d: SmallDistrict) -> Built:
    from gongzhi.party.models import ServiceRecord
    from gongzhi.party.services.serving_bulk import RecordRow, service_records_bulk_confirmed

    s = _staff_member(d, accepted=True)
    rows = [
        RecordRow(
            member_id=s.member.pk,
            served_on=timezone.localdate() - dt.timedelta(days=3),
            hours=Decimal("20"),
            content="纸质台账补录",
        )
    ]
    call = lambda: service_records_bulk_confirmed(  # noqa: E731
        actor=s.user, community_id=d.communities["A1"].pk, rows=rows
    )
    return call, lambda: ServiceRecord.objects.count()


def claim_complete_own(d: SmallDistrict) -> Built:
    from gongzhi.party.models import Claim
    from gongzhi.party.services.serving import claim_complete, claim_create, service_item_publish

    s = _staff_member(d, accepted=True)
    item = service_item_publish(
        actor=_cw(d), community_id=d.communities["A1"].pk, kind="post", title="周末义诊岗", capacity=3
    )
    claim = claim_create(actor=s.user, item_id=item.pk, pledge="每月义诊一次", member_id=s.member.pk)
    return (lambda: claim_complete(actor=s.user, claim_id=claim.pk)), (
        lambda: list(Claim.objects.filter(pk=claim.pk).values_list("status"))
    )


def _claimed_project(d: SmallDistrict, *, signed: bool = False) -> tuple[Any, Any]:
    """A project claimed by a unit whose liaison is the community secretary."""
    from gongzhi.cobuild.services.projects import project_claim, project_create, project_sign
    from gongzhi.cobuild.tests.factories import make_need, make_resource, make_unit

    secretary = d.user("community_secretary")
    unit = make_unit(d, liaison=secretary)
    need = make_need(d)
    project = project_create(
        actor=_cw(d), need_ids=[need.pk], resource_ids=[make_resource(d, unit).pk], title="银山义诊"
    )
    project = project_claim(actor=_cw(d), project_id=project.pk)
    if signed:
        project = project_sign(**_signing(d, project, _cw(d)))
    return secretary, project


def _signing(d: SmallDistrict, project: Any, actor: Any) -> dict[str, Any]:
    return {
        "actor": actor,
        "project_id": project.pk,
        "terms": "甲方提供场地，乙方每周三上午开展义诊。",
        "community_signatory": "王书记",
        "claimant_signatory": "李院长",
        "starts_on": dt.date(2026, 1, 1),
        "ends_on": dt.date(2026, 12, 31),
    }


def _project_state(project: Any) -> Any:
    from gongzhi.cobuild.models import Evaluation, Milestone, Need, Project, ProjectNeed

    return (
        list(Project.objects.filter(pk=project.pk).values_list("status", "agreement_number", "outcome")),
        list(Need.objects.filter(project_links__project=project).values_list("status", "delivered")),
        list(ProjectNeed.objects.filter(project=project).values_list("delivered")),
        list(Milestone.objects.filter(project=project).values_list("done_on")),
        Evaluation.objects.filter(project=project).count(),
    )


def project_sign_by_the_claimant(d: SmallDistrict) -> Built:
    from gongzhi.cobuild.services.projects import project_sign

    secretary, project = _claimed_project(d)
    return (lambda: project_sign(**_signing(d, project, secretary))), (lambda: _project_state(project))


def project_complete_by_the_claimant(d: SmallDistrict) -> Built:
    from gongzhi.cobuild.services.projects import project_complete

    secretary, project = _claimed_project(d, signed=True)
    return (lambda: project_complete(actor=secretary, project_id=project.pk, outcome="已完成")), (
        lambda: _project_state(project)
    )


def delivery_record_by_the_claimant(d: SmallDistrict) -> Built:
    from gongzhi.cobuild.services.projects import delivery_record

    secretary, project = _claimed_project(d, signed=True)
    need_id = project.needs.get().pk
    return (lambda: delivery_record(actor=secretary, project_id=project.pk, need_id=need_id, quantity=5)), (
        lambda: _project_state(project)
    )


def milestone_done_by_the_claimant(d: SmallDistrict) -> Built:
    from gongzhi.cobuild.services.projects import milestone_add, milestone_done

    secretary, project = _claimed_project(d, signed=True)
    ms = milestone_add(actor=_cw(d), project_id=project.pk, title="首次义诊")
    return (lambda: milestone_done(actor=secretary, milestone_id=ms.pk)), (lambda: _project_state(project))


def case_report_reply_by_who_reported_it(d: SmallDistrict) -> Built:
    from gongzhi.mediation.models import Case
    from gongzhi.mediation.services.cases import case_report_reply, case_report_up
    from gongzhi.mediation.tests.factories import make_org, mediating_case

    admin = d.user("district_admin")
    case = mediating_case(d, make_org(d, "A2"), actor=admin)
    case_report_up(actor=admin, case_id=case.pk, reason="涉及多户，可能激化")
    return (lambda: case_report_reply(actor=admin, case_id=case.pk, reply="同意")), (
        lambda: list(Case.objects.filter(pk=case.pk).values_list("status", "reply", "replied_on"))
    )


def project_evaluate_by_the_claimant(d: SmallDistrict) -> Built:
    from gongzhi.cobuild.services.projects import project_evaluate

    secretary, project = _claimed_project(d, signed=True)
    return (lambda: project_evaluate(actor=secretary, project_id=project.pk, rating=5)), (
        lambda: _project_state(project)
    )


def training_certificate_for_oneself(d: SmallDistrict, bulk: bool = False) -> Built:
    """The community secretary is a trainee of the course they would certify (网格学院)."""
    from gongzhi.training.models import CompletionCertificate, Trainee
    from gongzhi.training.services.attendance import training_attendance_record
    from gongzhi.training.services.certificates import (
        training_certificate_issue,
        training_certificates_bulk_issue,
    )
    from gongzhi.training.services.plans import CourseInput, course_create, training_plan_create
    from gongzhi.training.services.sessions import training_session_schedule
    from gongzhi.training.services.trainees import trainee_register

    secretary = d.user("community_secretary")
    a1 = d.communities["A1"]
    plan = training_plan_create(
        actor=_cw(d),
        place_code=a1.code,
        year=timezone.localdate().year,
        title=f"本人结业计划{Trainee.objects.count()}",
    )
    course = course_create(
        actor=_cw(d),
        plan_id=plan.pk,
        data=CourseInput(title="政策解读", trainer_name="讲师", trainer_kind="expert", format="lecture"),
    )
    start = timezone.now() + dt.timedelta(days=2)
    session = training_session_schedule(
        actor=_cw(d),
        course_id=course.pk,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        place_text="会议室",
    )
    trainee = Trainee.objects.filter(user=secretary).first() or trainee_register(
        actor=_cw(d), community_id=a1.pk, name="书记学员", kind="staff", user_id=secretary.pk
    )
    training_attendance_record(actor=_cw(d), session_id=session.pk, trainee_id=trainee.pk)
    if bulk:
        return (
            lambda: training_certificates_bulk_issue(
                actor=secretary, course_id=course.pk, trainee_ids=[trainee.pk]
            )
        ), (lambda: list(CompletionCertificate.objects.values_list("pk")))
    return (
        lambda: training_certificate_issue(actor=secretary, course_id=course.pk, trainee_id=trainee.pk)
    ), (lambda: list(CompletionCertificate.objects.values_list("pk")))


def training_certificates_at_once_for_oneself(d: SmallDistrict) -> Built:
    """The same, through the batch (一键发证): the secretary among the trainees refuses the whole batch."""
    return training_certificate_for_oneself(d, bulk=True)


def role_for_oneself(d: SmallDistrict) -> Built:
    from gongzhi.accounts.models import RoleAssignment
    from gongzhi.accounts.services import role_assign
    from gongzhi.core.roles import Role

    admin = d.user("district_admin")
    call = lambda: role_assign(  # noqa: E731
        actor=admin, user=admin, role=Role.COMMUNITY_SECRETARY, place_code=d.communities["B1"].code
    )
    return call, lambda: list(RoleAssignment.objects.filter(user=admin).values_list("role", "place_code"))


def _ticket_state(ticket: Any) -> Any:
    from gongzhi.tickets.models import ExtensionRequest, Ticket, TicketEvent

    return (
        list(Ticket.objects.filter(pk=ticket.pk).values_list("status", "deadline", "satisfaction")),
        TicketEvent.objects.filter(ticket=ticket).count(),
        list(ExtensionRequest.objects.filter(ticket=ticket).values_list("status", "decided_by_id")),
    )


def _fixed_on_patrol(d: SmallDistrict) -> Any:
    """自办: the grid worker reports a find on patrol, accepts it, dispatches it to their grid, fixes it."""
    from gongzhi.tickets import services as svc
    from gongzhi.tickets.enums import Channel, Level
    from gongzhi.tickets.tests.helpers import report

    worker = d.user("grid_worker")
    t = report(d, "grid_worker", "楼道口堆放杂物", channel=Channel.PATROL, category_code="301005")
    svc.ticket_accept(actor=worker, ticket_id=t.pk)
    svc.ticket_dispatch(actor=worker, ticket_id=t.pk, level=Level.GRID)
    return svc.ticket_handle(actor=worker, ticket_id=t.pk, result="已清理")


def ticket_verify_by_who_reported_and_fixed_it(d: SmallDistrict) -> Built:
    from gongzhi.tickets import services as svc

    t = _fixed_on_patrol(d)
    worker = d.user("grid_worker")
    return (lambda: svc.ticket_verify(actor=worker, ticket_id=t.pk, passed=True)), (lambda: _ticket_state(t))


def ticket_callback_by_who_fixed_it(d: SmallDistrict) -> Built:
    from gongzhi.tickets import services as svc
    from gongzhi.tickets.enums import Level
    from gongzhi.tickets.tests.helpers import report

    worker = d.user("grid_worker")
    t = report(d, "resident", "楼道杂物堆放", category_code="301005")
    svc.ticket_accept(actor=worker, ticket_id=t.pk)
    svc.ticket_dispatch(actor=worker, ticket_id=t.pk, level=Level.GRID)
    svc.ticket_handle(actor=worker, ticket_id=t.pk, result="已清理")
    svc.ticket_verify(actor=_cw(d), ticket_id=t.pk, passed=True)
    call = lambda: svc.ticket_callback(actor=worker, ticket_id=t.pk, satisfaction="satisfied")  # noqa: E731
    return call, lambda: _ticket_state(t)


def ticket_extension_decided_by_who_asked(d: SmallDistrict) -> Built:
    from gongzhi.tickets import services as svc
    from gongzhi.tickets.enums import Level
    from gongzhi.tickets.tests.helpers import report

    worker = d.user("grid_worker")
    t = report(d, "resident", "楼道杂物堆放", category_code="301005")
    svc.ticket_accept(actor=worker, ticket_id=t.pk)
    svc.ticket_dispatch(actor=worker, ticket_id=t.pk, level=Level.GRID)
    svc.ticket_extend_request(actor=worker, ticket_id=t.pk, amount=2, unit="working_days", reason="等物业")
    return (lambda: svc.ticket_extend_decide(actor=worker, ticket_id=t.pk, approve=True)), (
        lambda: _ticket_state(t)
    )


def points_claim_decided_by_who_proposed_it(d: SmallDistrict) -> Built:
    """积分评议: the community worker found the good deed on patrol and proposed the claim."""
    from gongzhi.points.models import Claim, Posting
    from gongzhi.points.services.claims import ClaimInput, claim_decide, claim_propose
    from gongzhi.points.tests.factories import make_rule, meeting

    rule = make_rule(d, code="OW1")
    claim = claim_propose(
        actor=_cw(d),
        household_id=d.households["g1"][1].pk,
        data=ClaimInput(
            rule_id=rule.pk, points=3, description="清理楼道杂物", occurred_on=timezone.localdate()
        ),
    )
    m = meeting(d)
    call = lambda: claim_decide(actor=_cw(d), claim_id=claim.pk, meeting_id=m.pk, outcome="approve")  # noqa: E731
    return call, lambda: (
        list(Claim.objects.filter(pk=claim.pk).values_list("status")),
        Posting.objects.count(),
    )


def funded_project_reviewed_by_who_applied(d: SmallDistrict) -> Built:
    """公益创投: the community secretary entered the application, then scores it as a reviewer."""
    from gongzhi.socialorgs.models import FundedProject, ProjectReview
    from gongzhi.socialorgs.services.projects import funded_project_apply, funded_project_review
    from gongzhi.socialorgs.tests.factories import organization, project_input

    sec = d.user("community_secretary")
    org = organization(d, name="自评组织", filing_number="OW-1")
    project = funded_project_apply(actor=sec, organization_id=org.organization_id, data=project_input())
    return (lambda: funded_project_review(actor=sec, project_id=project.pk, score=95)), lambda: (
        ProjectReview.objects.filter(project=project).count(),
        list(FundedProject.objects.filter(pk=project.pk).values_list("status")),
    )


def funded_project_decided_by_who_applied(d: SmallDistrict) -> Built:
    """立项: the subdistrict officer who entered the application decides on it."""
    from gongzhi.socialorgs.models import FundedProject
    from gongzhi.socialorgs.services.projects import (
        funded_project_apply,
        funded_project_decide,
        funded_project_review,
    )
    from gongzhi.socialorgs.tests.factories import organization, project_input

    ss = d.user("subdistrict_staff")
    org = organization(d, name="自批组织", filing_number="OW-2")
    project = funded_project_apply(actor=ss, organization_id=org.organization_id, data=project_input())
    funded_project_review(actor=_cw(d), project_id=project.pk, score=90)
    funded_project_review(actor=d.user("community_secretary"), project_id=project.pk, score=90)
    call = lambda: funded_project_decide(  # noqa: E731
        actor=ss, project_id=project.pk, approve=True, granted_yuan="1000"
    )
    return call, lambda: list(
        FundedProject.objects.filter(pk=project.pk).values_list("status", "granted_yuan")
    )


def contest_entry_scored_by_a_judge_of_its_organisation(d: SmallDistrict) -> Built:
    """项目大赛: a judge from the entering organisation scores its entry."""
    from gongzhi.socialorgs.models import ScoreSheet
    from gongzhi.socialorgs.services.contests import (
        contest_entry_add,
        contest_entry_score,
        contest_judge_add,
        contest_open,
        contest_scoring_start,
    )
    from gongzhi.socialorgs.tests.factories import organization

    ss = d.user("subdistrict_staff")
    org = organization(d, name="自评参赛组织", filing_number="OW-3")
    contest = contest_open(
        actor=ss, subdistrict_code=d.subdistricts["A"].code, year=2026, title="回避测试大赛"
    )
    entry = contest_entry_add(
        actor=_cw(d), contest_id=contest.pk, organization_id=org.organization_id, title="参赛"
    )
    contest_judge_add(
        actor=ss, contest_id=contest.pk, username="community_secretary", organization_id=org.organization_id
    )
    contest_scoring_start(actor=ss, contest_id=contest.pk)
    scores = {"need": 30, "innovation": 20, "feasibility": 20, "effect": 20, "sustainability": 10}
    call = lambda: contest_entry_score(  # noqa: E731
        actor=d.user("community_secretary"), entry_id=entry.pk, scores=scores
    )
    return call, lambda: ScoreSheet.objects.filter(entry=entry).count()


def _council_topic(d: SmallDistrict, proposer: Any) -> Any:
    from gongzhi.councils.services import TopicInput, topic_propose
    from gongzhi.councils.tests.factories import make_council

    council = make_council(d, members=0)
    return topic_propose(actor=proposer, council_id=council.pk, data=TopicInput(title="加装电梯"))


def _topic_state(topic: Any) -> Any:
    from gongzhi.councils.models import Topic

    return list(Topic.objects.filter(pk=topic.pk).values_list("status", "decline_reason"))


def council_topic_accepted_by_its_proposer(d: SmallDistrict) -> Built:
    from gongzhi.councils.services import topic_accept

    topic = _council_topic(d, _cw(d))
    return (lambda: topic_accept(actor=_cw(d), topic_id=topic.pk)), (lambda: _topic_state(topic))


def council_topic_declined_by_its_proposer(d: SmallDistrict) -> Built:
    from gongzhi.councils.services import topic_decline

    topic = _council_topic(d, _cw(d))
    return (lambda: topic_decline(actor=_cw(d), topic_id=topic.pk, reason="不属于议事范围")), (
        lambda: _topic_state(topic)
    )


def council_resolution_completed_by_its_owner(d: SmallDistrict) -> Built:
    """The community worker carries out the resolution (its owner) and may not accept it as done."""
    from gongzhi.councils.models import Resolution
    from gongzhi.councils.services import (
        ResolutionInput,
        meeting_topic_decide,
        resolution_complete,
        resolution_implementation_start,
    )
    from gongzhi.councils.tests.factories import make_council, make_meeting, make_topic

    council = make_council(d, members=3)
    topic = make_topic(d, council)
    meeting, members = make_meeting(d, council, [topic])
    meeting_topic_decide(
        actor=d.user("community_secretary"),
        item_id=meeting.agenda.get().pk,
        votes={m.pk: "for" for m in members},
        resolution=ResolutionInput(content="更换管网", owner_name="社区居委会", owner_id=_cw(d).pk),
    )
    row = Resolution.objects.get(topic=topic)
    resolution_implementation_start(actor=d.user("community_secretary"), resolution_id=row.pk)
    call = lambda: resolution_complete(actor=_cw(d), resolution_id=row.pk, result="已完成")  # noqa: E731
    return call, lambda: list(Resolution.objects.filter(pk=row.pk).values_list("progress", "completed_at"))


def council_proposal_accepted_by_who_submitted_it(d: SmallDistrict) -> Built:
    """The community worker wrote the branch's 党群提案 and may not take it up as the committee."""
    from gongzhi.councils.models import PartyProposal
    from gongzhi.councils.services import proposal_accept, proposal_submit
    from gongzhi.councils.tests.factories import make_council
    from gongzhi.councils.tests.test_proposals import make_branch

    council = make_council(d, members=0)
    row = proposal_submit(actor=_cw(d), branch_id=make_branch(d).pk, title="增设老年食堂", content="吃饭难")
    call = lambda: proposal_accept(actor=_cw(d), proposal_id=row.pk, council_id=council.pk)  # noqa: E731
    return call, lambda: list(PartyProposal.objects.filter(pk=row.pk).values_list("status", "topic_id"))


# service (app.module.function) → the cases where its actor is the subject or the author.
def _transfer_state() -> Any:
    from gongzhi.party.models import MemberTransfer, PartyMember

    return (
        list(MemberTransfer.objects.values_list("pk", "status", "decided_by_id", "member_id")),
        PartyMember.objects.count(),
    )


def _recorded_transfer_in(d: SmallDistrict, *, batch: bool = False) -> Any:
    """A community worker records a resident's transfer in (a letter from a dissolved company's branch)."""
    from gongzhi.party.services import members as ms

    person = d.persons["g1"][0]
    if batch:
        return ms.transfers_in_bulk_record(
            actor=_cw(d),
            community_id=d.communities["A1"].pk,
            data=ms.BulkTransferIn(
                "济阳化肥厂党委", dt.date(2019, 6, 28), "济组转字〔2019〕40号", [person.pk]
            ),
        )
    return ms.transfer_in_record(
        actor=_cw(d),
        person_id=person.pk,
        data=ms.TransferInput(dt.date(2019, 6, 28), "济组转字〔2019〕40号", other_org_name="济阳化肥厂党委"),
    )


def transfer_accept_own(d: SmallDistrict) -> Built:
    from gongzhi.party.services.members import transfer_accept

    t = _recorded_transfer_in(d)
    return (lambda: transfer_accept(actor=_cw(d), transfer_id=t.pk)), _transfer_state


def transfer_return_own(d: SmallDistrict) -> Built:
    from gongzhi.party.services.members import transfer_return

    t = _recorded_transfer_in(d)
    return (lambda: transfer_return(actor=_cw(d), transfer_id=t.pk, reason="材料不全")), _transfer_state


def transfer_batch_accept_own(d: SmallDistrict) -> Built:
    from gongzhi.party.services.members import transfer_batch_accept

    batch = _recorded_transfer_in(d, batch=True)
    return (lambda: transfer_batch_accept(actor=_cw(d), batch=batch)), _transfer_state


def assessment_run_published_by_who_computed_it(d: SmallDistrict) -> Built:
    from gongzhi.assessment.models import Run
    from gongzhi.assessment.services._validation import LineInput, SetInput
    from gongzhi.assessment.services.runs import assessment_run_compute, assessment_run_publish
    from gongzhi.assessment.services.sets import indicator_set_create

    staff = d.user("subdistrict_staff")
    s = indicator_set_create(
        actor=staff,
        place_code=d.subdistricts["A"].code,
        data=SetInput(
            name="网格考核", year=2026, subject_kind="grid", lines=[LineInput("on_time_rate", 100, 100)]
        ),
    )
    run = assessment_run_compute(actor=staff, set_id=s.pk)
    return (lambda: assessment_run_publish(actor=staff, run_id=run.pk)), (
        lambda: list(Run.objects.filter(pk=run.pk).values_list("status", "published_by_id"))
    )


CASES: dict[str, list[Callable[[SmallDistrict], Built]]] = {
    "volunteers.services.hours.hours_confirm": [hours_confirm_by_the_leader],
    "volunteers.services.hours.hours_reject": [hours_reject_by_the_leader],
    "volunteers.services.hours.hours_edit_request_decide": [
        hours_correction_of_own_hours,
        hours_correction_asked_by_the_decider,
    ],
    "volunteers.services.certificates.certificate_issue": [certificate_for_oneself],
    "party.services.registration.registration_accept": [registration_accept_own],
    "party.services.registration.registration_return": [registration_return_own],
    "party.services.registration.members_bulk_register_accepted": [members_bulk_with_oneself],
    "party.services.serving.service_record_confirm": [service_record_confirm_own],
    "party.services.serving.service_record_reject": [service_record_reject_own],
    "party.services.serving_bulk.service_records_bulk_confirmed": [service_records_bulk_with_oneself],
    "party.services.serving.claim_complete": [claim_complete_own],
    "party.services.members.transfer_accept": [transfer_accept_own],
    "party.services.members.transfer_return": [transfer_return_own],
    "party.services.members.transfer_batch_accept": [transfer_batch_accept_own],
    "cobuild.services.projects.project_sign": [project_sign_by_the_claimant],
    "cobuild.services.projects.project_complete": [project_complete_by_the_claimant],
    "cobuild.services.projects.delivery_record": [delivery_record_by_the_claimant],
    "cobuild.services.projects.milestone_done": [milestone_done_by_the_claimant],
    "cobuild.services.projects.project_evaluate": [project_evaluate_by_the_claimant],
    "mediation.services.cases.case_report_reply": [case_report_reply_by_who_reported_it],
    "training.services.certificates.training_certificate_issue": [training_certificate_for_oneself],
    "training.services.certificates.training_certificates_bulk_issue": [
        training_certificates_at_once_for_oneself
    ],
    "accounts.services.role_assign": [role_for_oneself],
    "tickets.services.handling.ticket_verify": [ticket_verify_by_who_reported_and_fixed_it],
    "tickets.services.handling.ticket_callback": [ticket_callback_by_who_fixed_it],
    "tickets.services.extensions.ticket_extend_decide": [ticket_extension_decided_by_who_asked],
    "points.services.claims.claim_decide": [points_claim_decided_by_who_proposed_it],
    "socialorgs.services.projects.funded_project_review": [funded_project_reviewed_by_who_applied],
    "socialorgs.services.projects.funded_project_decide": [funded_project_decided_by_who_applied],
    "socialorgs.services.contests.contest_entry_score": [contest_entry_scored_by_a_judge_of_its_organisation],
    "councils.services.topics.topic_accept": [council_topic_accepted_by_its_proposer],
    "councils.services.topics.topic_decline": [council_topic_declined_by_its_proposer],
    "councils.services.resolutions.resolution_complete": [council_resolution_completed_by_its_owner],
    "councils.services.proposals.proposal_accept": [council_proposal_accepted_by_who_submitted_it],
    "assessment.services.runs.assessment_run_publish": [assessment_run_published_by_who_computed_it],
}

# Bulk paths that confirm many rows: the actor's own row stays pending, the others are confirmed
# (tested below: test_a_session_confirmed_at_once_leaves_the_organisers_own_hours_pending and
# test_a_sign_in_sheet_entered_by_a_volunteer_organiser_leaves_their_own_hours_pending).
BATCHES = {
    "volunteers.services.hours.session_hours_confirm",
    "volunteers.services.bulk.activity_history_record",
    # tested in gongzhi/points/tests/test_review.py: the reviewer's own claims stay pending
    "points.services.review.claims_approve_batch",
}

# Services whose name sounds like a decision but which decide nothing about the actor's own work.
EXEMPT: dict[str, str] = {
    "devices.services.platforms.platform_key_issue": (
        "issues a monitoring platform's signing key (a credential for a connected system, like an Open311 "
        "key): it judges nobody's work"
    ),
    "accounts.services.sign_in_recorded": (
        "writes the audit row of a sign-in (登录记录): it records who came in, it decides nothing"
    ),
    "accounts.services.sign_in_failed": (
        "writes the audit row of a refused sign-in: a record of an attempt, not a decision on anyone's work"
    ),
    "tickets.services.response.ticket_accept": (
        "受理 takes responsibility for a ticket (首问负责), it judges nobody's work: a grid worker accepting "
        "the find they reported on patrol and handling it directly is the 自办 flow (网格员直接办理, seed "
        "004); the check of that work is the verification, which refuses them"
    ),
    "tickets.services.response.ticket_decline": (
        "declining one's own report only withdraws it; nobody gains from it, and a decline of another's "
        "report is made by staff who are not its author"
    ),
    "tickets.services.dispatch.ticket_return": (
        "the handler hands a dispatch back to the dispatcher: a step in the loop, not a decision on a "
        "submission"
    ),
    "tickets.services.handling.callback_needed": "a predicate (is there someone to call back?), no write",
    "tickets.services.handling.merged_callback_open": (
        "a predicate (may a merged ticket's reporter be called back now?), no write; the callback itself "
        "(ticket_callback) refuses the handlers of the surviving ticket"
    ),
    "tickets.services.supervision.issue_supervision": "督办 is issued by the sweep (the system), not a person",
    "tickets.services.common.assignments_end": "a helper of the moves that ends a dispatch's assignments",
    "party.services.evaluation.feedback_letters_issue": (
        "letters are computed from service records already confirmed by someone else (where the rule "
        "bites: service_record_confirm)"
    ),
    "open311.services.apikey_issue": "an API key for a connected system: no person is its subject",
    "people.services.resident_sign_in": "a sign-in, not a decision",
    "routing.services.keywords.keyword_candidate_decide": (
        "a candidate keyword is mined by the system from many tickets' corrections; nobody submitted it, "
        "so the admin approving it judges no one's own work"
    ),
    "routing.services.suggestions.suggestion_review": (
        "marks the system's uncertain suggestion as looked at: the suggestion is the classifier's, not a "
        "person's submission"
    ),
    "campaigns.services.rounds.inspection_duty_assign": (
        "gives an inspector a duty, a section and hours (定职责、定地段、定时段); it judges no one's work, "
        "and a manager may take a section themself"
    ),
    "resettlement.services.allocation.settlement_issue": (
        "the statement is computed from the chosen flats' area and the project's price bands, fixed before "
        "the draw (settlement.py); the clerk who prints it decides nothing"
    ),
    "resettlement.services.allocation.key_handover_sign": (
        "records that the household's representative signed for the keys; the signature is theirs, the "
        "clerk only writes it down"
    ),
    "property.services.estates.red_captain_post_assign": (
        "records who holds a 红楼长 post (a name, a party member's record): it confers no decision on "
        "anyone's work and nothing it records is checked by its author later"
    ),
    "councils.services.meetings.meeting_topic_decide": (
        "enters the votes the council's members cast at the meeting, member by member: the decision is "
        "the members' majority, not the recorder's; a member votes only once and only when present"
    ),
    "councils.services.appointments.appointment_callback_record": (
        "书记有约回访 writes down what the resident said when called at a later session day (reached or "
        "not, their opinion): a record of the resident's word, no judgement on the recorder's work"
    ),
    "councils.services.topics.topic_review_record": (
        "records the opinion of the third-party reviewer (an outside body) on a major topic: the staff "
        "member types it in, the review is not theirs"
    ),
}

# Words of a function name that say it decides (``sign`` as a word: signing, not a sign-up).
KEYWORDS = re.compile(
    r"confirm|approv|verif|decid|accept|reject|callback|declin|return|complet|evaluat|assign|issue|review"
    r"|(?:^|_)sign(?:_|$)"
)


def _public_services() -> set[str]:
    """Every top-level public function of gongzhi/<app>/services.py and gongzhi/<app>/services/*.py."""
    out: set[str] = set()
    for path in sorted(GONGZHI.glob("*/services.py")) + sorted(GONGZHI.glob("*/services/*.py")):
        module = ".".join(path.relative_to(GONGZHI).with_suffix("").parts)
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                out.add(f"{module}.{node.name}")
    return out


def test_every_deciding_service_is_listed_or_exempted():
    services = _public_services()
    deciding = {s for s in services if KEYWORDS.search(s.rsplit(".", 1)[1])}
    known = set(CASES) | BATCHES | set(EXEMPT)
    missing = sorted(deciding - known)
    assert missing == [], (
        "a service that decides must refuse the actor's own work (gongzhi/core/duties.py) and be listed "
        f"in CASES or BATCHES here, or be exempted in EXEMPT with the reason: {missing}"
    )
    stale = sorted(known - services)
    assert stale == [], f"listed here but no such public service: {stale}"
    assert all(len(reason) > 20 for reason in EXEMPT.values())


def test_every_listed_service_asks_the_shared_rule():
    """The refusal is the one of core.duties: each listed service's module calls it."""
    for name in sorted(set(CASES) | BATCHES):
        module, function = name.rsplit(".", 1)
        path = GONGZHI / Path(*module.split(".")).with_suffix(".py")
        source = path.read_text(encoding="utf-8")
        assert re.search(rf"^def {function}\(", source, re.M), name
        assert "refuse_own_work" in source or "own_work_error" in source or "volunteers_of_user" in source, (
            name
        )


@pytest.mark.parametrize(
    "build",
    [pytest.param(b, id=f"{name.rsplit('.', 1)[1]}:{b.__name__}") for name, bs in CASES.items() for b in bs],
)
def test_a_decision_on_ones_own_work_is_refused_and_changes_nothing(world, db, build):
    from gongzhi.audit.models import AuditEvent

    call, state = build(world)
    before = (state(), AuditEvent.objects.count(), AuditEvent.objects.order_by("-id").values("id").first())
    with pytest.raises(Exception) as exc:
        call()
    from gongzhi.core.errors import Forbidden

    assert isinstance(exc.value, Forbidden), repr(exc.value)
    assert (exc.value.status, exc.value.code) == (403, "own_work")
    assert re.search(r"[\u4e00-\u9fff]", exc.value.message) and "本人" in exc.value.message
    assert exc.value.message.rstrip("，").endswith("应由他人办理")
    after = (state(), AuditEvent.objects.count(), AuditEvent.objects.order_by("-id").values("id").first())
    assert after == before


def test_a_session_confirmed_at_once_leaves_the_organisers_own_hours_pending(world, db):
    from gongzhi.audit.models import AuditEvent
    from gongzhi.volunteers.enums import HoursStatus
    from gongzhi.volunteers.services.hours import session_hours_confirm

    d = world
    user, own_volunteer = _staff_volunteer(d)
    _other, other_volunteer = _volunteer_of(d, 2)
    session = _yesterday_session(d, _team(d))
    own, other = _served(d, session, own_volunteer), _served(d, session, other_volunteer)
    done = session_hours_confirm(actor=user, session_id=session.pk)
    assert (done.confirmed, done.own_left) == (1, 1)
    own.refresh_from_db()
    other.refresh_from_db()
    assert (own.status, other.status) == (HoursStatus.PENDING, HoursStatus.CONFIRMED)
    own_volunteer.refresh_from_db()
    assert own_volunteer.total_hours == 0
    event = AuditEvent.objects.filter(event_type="volunteers.session_hours_confirmed").latest("id")
    assert (event.data["records"], event.data["own_left"]) == (1, 1)
    # Someone else confirms the rest.
    assert session_hours_confirm(actor=_cw(d), session_id=session.pk).confirmed == 1
    own.refresh_from_db()
    assert own.status == HoursStatus.CONFIRMED and own.confirmed_by_id == _cw(d).pk


def test_a_sign_in_sheet_entered_by_a_volunteer_organiser_leaves_their_own_hours_pending(world, db):
    from gongzhi.volunteers.enums import HoursStatus
    from gongzhi.volunteers.models import ServiceHours
    from gongzhi.volunteers.services.bulk import ServedRow, activity_history_record

    d = world
    user, own_volunteer = _staff_volunteer(d)
    _other, other_volunteer = _volunteer_of(d, 2)
    session = _yesterday_session(d, _team(d), days=3)
    rows = [
        ServedRow(
            session_id=session.pk,
            volunteer_id=v.pk,
            check_in_at=session.starts_at,
            check_out_at=session.ends_at,
        )
        for v in (own_volunteer, other_volunteer)
    ]
    activity_history_record(actor=user, activity_id=session.activity_id, rows=rows)
    status = dict(ServiceHours.objects.filter(session=session).values_list("volunteer_id", "status"))
    assert status == {own_volunteer.pk: HoursStatus.PENDING, other_volunteer.pk: HoursStatus.CONFIRMED}
    own_volunteer.refresh_from_db()
    other_volunteer.refresh_from_db()
    assert (own_volunteer.total_hours, other_volunteer.total_hours) == (Decimal("0"), Decimal("2.0"))


def test_someone_else_makes_the_same_decisions(world, db):
    """The rule refuses only the actor's own work: the same moves by another member of staff go through."""
    from gongzhi.cobuild.enums import ProjectStatus
    from gongzhi.cobuild.services.projects import project_sign
    from gongzhi.party.services.registration import registration_accept
    from gongzhi.party.services.serving import service_record_confirm
    from gongzhi.tickets import services as svc
    from gongzhi.volunteers.services.hours import hours_confirm

    d = world
    _user, hours = _leader_with_pending_hours(d)
    assert hours_confirm(actor=_cw(d), hours_id=hours.pk).status == "confirmed"
    s = _staff_member(d)
    reg = registration_accept(
        actor=_cw(d),
        registration_id=s.registration.pk,
        classification="medical",
        grid_code=d.grids["g1"].code,
    )
    assert reg.status == "accepted"
    from gongzhi.party.services.serving import service_record_submit

    record = service_record_submit(
        actor=s.user,
        served_on=timezone.localdate() - dt.timedelta(days=1),
        hours="2",
        content="社区义诊",
        member_id=s.member.pk,
    )
    assert service_record_confirm(actor=_cw(d), record_id=record.pk).status == "confirmed"
    _secretary, project = _claimed_project(d)
    assert project_sign(**_signing(d, project, _cw(d))).status == ProjectStatus.SIGNED
    t = _fixed_on_patrol(d)
    assert svc.ticket_verify(actor=d.user("grid_head"), ticket_id=t.pk, passed=True).status == "verified"


def test_the_api_answers_the_refusal_in_the_one_error_shape(world, db, client):
    user, hours = _leader_with_pending_hours(world)
    client.force_login(user)
    r = client.post(f"/api/v1/volunteers/hours/{hours.pk}/confirm", content_type="application/json")
    assert r.status_code == 403, r.content
    body = r.json()
    assert body["code"] == "own_work" and body["message"] == "不能确认本人的服务时长，应由他人办理"


def test_the_console_shows_the_refusal_in_chinese(world, db, client):
    from django.urls import reverse

    t = _fixed_on_patrol(world)
    client.force_login(world.user("grid_worker"))
    url = reverse("tickets:action", args=[t.pk, "verify"])
    r = client.post(url, {"passed": "true", "note": "已清理"}, follow=True)
    assert "不能核查本人上报或处置的工单，应由他人办理" in r.content.decode()
    t.refresh_from_db()
    assert t.status == "handled"
