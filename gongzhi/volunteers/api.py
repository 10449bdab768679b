"""The volunteers API under /api/v1/volunteers/: teams, volunteers, activities and sessions, sign-up,
QR scan, attendance entered by the organiser, hours and their corrections, certificates, figures.

Thin: every handler calls one service or selector; scope and permissions live there.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from gongzhi.core.access import actor_of
from gongzhi.core.api import ERRORS, session_auth
from gongzhi.core.http import pdf_response
from gongzhi.core.scope import scope_of
from gongzhi.volunteers import certificates
from gongzhi.volunteers.enums import ActivityCategory, MembershipRole, OwnerKind, Recurrence
from gongzhi.volunteers.selectors import activities as activity_selectors
from gongzhi.volunteers.selectors import attendance as attendance_selectors
from gongzhi.volunteers.selectors import certificates as certificate_selectors
from gongzhi.volunteers.selectors import teams as team_selectors
from gongzhi.volunteers.selectors.figures import volunteer_counts
from gongzhi.volunteers.services import activities, attendance, hours, teams
from gongzhi.volunteers.services import certificates as certificate_services
from gongzhi.volunteers.services.hours import next_star, star_label

router = Router(tags=["志愿服务"], auth=session_auth)
_PDF = {
    200: {
        "description": "PDF文件",
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
    }
}


def _hours(value: Any) -> str:
    return format(value.normalize(), "f") if value is not None else "0"


# --- schemas --------------------------------------------------------------------------------------


class TeamIn(Schema):
    community_id: int
    name: str = Field(..., max_length=100)
    owner_kind: str = Field(OwnerKind.COMMUNITY, description="community / unit / social_organization")
    unit_id: int | None = None
    social_organization_id: int | None = None
    service_area: str = Field("", max_length=200)
    skills: list[str] = []
    description: str = Field("", max_length=2000)


class TeamOut(Schema):
    id: int
    name: str
    owner_kind: str
    community_id: int
    community_code: str
    unit_id: int | None
    social_organization_id: int | None
    service_area: str
    skills: list[str]
    leader_id: int | None


class MemberIn(Schema):
    volunteer_id: int
    role: str = Field(MembershipRole.MEMBER, description="leader / organizer / member")


class MembershipOut(Schema):
    id: int
    team_id: int
    volunteer_id: int
    role: str
    status: str


class VolunteerOut(Schema):
    id: int
    name: str
    community_code: str
    skills: list[str]
    availability_pattern: str
    availability: list[dict]
    total_hours: str
    star_level: int
    star_label: str

    @staticmethod
    def resolve_total_hours(obj: Any) -> str:
        return _hours(obj.total_hours)

    @staticmethod
    def resolve_star_label(obj: Any) -> str:
        return star_label(obj.star_level)


class ProfileIn(Schema):
    skills: list[str] = []
    availability_pattern: str = Field(
        "", description="“678”：周六、周日及工作日8小时以外；留空则按 availability"
    )
    availability: list[dict] = Field([], description='[{"weekday": 0–6, "start": "HH:MM", "end": "HH:MM"}]')


class MyServiceOut(Schema):
    volunteer: VolunteerOut | None
    next_star: str | None
    hours_to_next_star: str | None


class ActivityIn(Schema):
    team_id: int
    title: str = Field(..., max_length=100)
    venue: str = Field(..., max_length=200)
    venue_id: int | None = Field(None, description="服务阵地（/api/v1/venues/venues）")
    capacity: int = Field(..., ge=1, le=10000)
    recurrence: str = Field(Recurrence.ONE_OFF, description="one_off / weekly")
    weekday: int | None = Field(None, description="每周活动：0 周一 … 6 周日")
    start_date: dt.date
    end_date: dt.date | None = None
    start_time: dt.time
    end_time: dt.time
    description: str = Field("", max_length=2000)
    skills: list[str] = []
    category: str = ActivityCategory.VOLUNTEER_SERVICE


class ActivityOut(Schema):
    id: int
    team_id: int
    title: str
    venue: str
    venue_site_id: int | None
    capacity: int
    recurrence: str
    weekday: int | None
    start_date: dt.date
    end_date: dt.date
    start_time: dt.time
    end_time: dt.time
    status: str
    category: str


class SessionOut(Schema):
    id: int
    activity_id: int
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    signed_up_count: int
    waiting_count: int
    attended_count: int
    status: str

    @staticmethod
    def resolve_title(obj: Any) -> str:
        return obj.activity.title


class OrganizerSessionOut(SessionOut):
    qr_token: str


class SignUpIn(Schema):
    volunteer_id: int | None = Field(None, description="组织者代为报名时填写")


class SignUpOut(Schema):
    id: int
    session_id: int
    volunteer_id: int
    status: str
    queued_at: dt.datetime
    promoted_at: dt.datetime | None


class AttendanceIn(Schema):
    volunteer_id: int
    check_in_at: dt.datetime
    check_out_at: dt.datetime | None = None


class CheckOutIn(Schema):
    check_out_at: dt.datetime


class AttendanceOut(Schema):
    id: int
    session_id: int
    volunteer_id: int
    check_in_at: dt.datetime
    check_out_at: dt.datetime | None
    check_in_source: str
    check_out_source: str


class ScanOut(Schema):
    action: str
    attendance: AttendanceOut
    hours: str | None


class HoursOut(Schema):
    id: int
    volunteer_id: int
    session_id: int
    team_id: int
    served_on: dt.date
    started_at: dt.datetime
    ended_at: dt.datetime
    hours: str
    status: str

    @staticmethod
    def resolve_hours(obj: Any) -> str:
        return _hours(obj.hours)


class ReasonIn(Schema):
    reason: str = Field("", max_length=200)


class EditIn(Schema):
    started_at: dt.datetime
    ended_at: dt.datetime
    reason: str = Field(..., max_length=500)


class DecideIn(Schema):
    approve: bool
    note: str = Field("", max_length=200)


class EditOut(Schema):
    id: int
    service_hours_id: int
    status: str
    old_hours: str
    new_hours: str
    reason: str

    @staticmethod
    def resolve_old_hours(obj: Any) -> str:
        return _hours(obj.old_hours)

    @staticmethod
    def resolve_new_hours(obj: Any) -> str:
        return _hours(obj.new_hours)


class CertificateIn(Schema):
    volunteer_id: int
    period_start: dt.date | None = None
    period_end: dt.date | None = None


class CertificateOut(Schema):
    id: int
    number: str
    volunteer_id: int
    period_start: dt.date | None
    period_end: dt.date
    hours: str
    star_level: int
    activity_count: int
    issuer_name: str
    issued_at: dt.datetime
    pdf_url: str

    @staticmethod
    def resolve_hours(obj: Any) -> str:
        return _hours(obj.hours)

    @staticmethod
    def resolve_pdf_url(obj: Any) -> str:
        return f"/api/v1/volunteers/certificates/{obj.pk}.pdf"


class VolunteerCountsOut(Schema):
    volunteer_teams: int
    activities_held: int
    service_hours: float


# --- teams and volunteers -------------------------------------------------------------------------


@router.get("/teams", response={200: list[TeamOut], **ERRORS}, summary="志愿服务队列表（按数据范围）")
def team_list(request: HttpRequest, community_code: str = ""):
    return list(
        team_selectors.team_list_for_actor(actor=actor_of(request), community_code=community_code, limit=500)
    )


@router.post("/teams", response={201: TeamOut, **ERRORS}, summary="组建志愿服务队（社区工作人员）")
def team_create(request: HttpRequest, payload: TeamIn):
    return Status(201, teams.team_create(actor=actor_of(request), **payload.dict()))


@router.get("/teams/{team_id}", response={200: TeamOut, **ERRORS}, summary="志愿服务队")
def team_get(request: HttpRequest, team_id: int):
    return team_selectors.team_get_for_actor(actor=actor_of(request), team_id=team_id)


@router.post("/teams/{team_id}/members", response={201: MembershipOut, **ERRORS}, summary="加入队伍")
def member_add(request: HttpRequest, team_id: int, payload: MemberIn):
    return Status(201, teams.team_member_add(actor=actor_of(request), team_id=team_id, **payload.dict()))


@router.get("/volunteers", response={200: list[VolunteerOut], **ERRORS}, summary="志愿者列表（按数据范围）")
def volunteer_list(request: HttpRequest, team_id: int | None = None, q: str = ""):
    return list(
        team_selectors.volunteer_list_for_actor(actor=actor_of(request), team_id=team_id, q=q, limit=500)
    )


@router.get("/me", response={200: MyServiceOut, **ERRORS}, summary="我的志愿服务：累计时长与星级")
def me(request: HttpRequest):
    volunteer = team_selectors.volunteer_of(actor_of(request))
    nxt = next_star(volunteer.total_hours) if volunteer else None
    return {
        "volunteer": volunteer,
        "next_star": nxt[0] if nxt else None,
        "hours_to_next_star": _hours(nxt[1]) if nxt else None,
    }


@router.put("/me", response={200: VolunteerOut, **ERRORS}, summary="更新我的特长与可服务时间")
def me_update(request: HttpRequest, payload: ProfileIn):
    return teams.volunteer_profile_update(actor=actor_of(request), **payload.dict())


# --- activities, sessions, sign-up ----------------------------------------------------------------


@router.get("/activities", response={200: list[ActivityOut], **ERRORS}, summary="活动列表（按数据范围）")
def activity_list(request: HttpRequest, team_id: int | None = None):
    return list(
        activity_selectors.activity_list_for_actor(actor=actor_of(request), team_id=team_id, limit=500)
    )


@router.post("/activities", response={201: ActivityOut, **ERRORS}, summary="发布活动（单次或每周）并生成场次")
def activity_create(request: HttpRequest, payload: ActivityIn):
    return Status(201, activities.activity_create(actor=actor_of(request), **payload.dict()))


@router.post("/activities/{activity_id}/cancel", response={200: ActivityOut, **ERRORS}, summary="取消活动")
def activity_cancel(request: HttpRequest, activity_id: int, payload: ReasonIn):
    return activities.activity_cancel(actor=actor_of(request), activity_id=activity_id, reason=payload.reason)


@router.get(
    "/activities/{activity_id}/sessions",
    response={200: list[OrganizerSessionOut], **ERRORS},
    summary="活动的场次（含签到码）",
)
def session_list(request: HttpRequest, activity_id: int):
    actor = actor_of(request)
    return list(
        activity_selectors.session_list_for_activity(actor=actor, activity_id=activity_id).select_related(
            "activity"
        )
    )


@router.get("/sessions/open", response={200: list[SessionOut], **ERRORS}, summary="可报名的场次（居民）")
def sessions_open(request: HttpRequest):
    return list(activity_selectors.open_session_list_for_actor(actor=actor_of(request)))


@router.post(
    "/sessions/{session_id}/signups", response={201: SignUpOut, **ERRORS}, summary="报名（满额则候补）"
)
def signup_create(request: HttpRequest, session_id: int, payload: SignUpIn | None = None):
    volunteer_id = payload.volunteer_id if payload else None
    return Status(
        201,
        activities.signup_create(actor=actor_of(request), session_id=session_id, volunteer_id=volunteer_id),
    )


@router.post(
    "/signups/{signup_id}/cancel", response={200: SignUpOut, **ERRORS}, summary="取消报名（候补自动递补）"
)
def signup_cancel(request: HttpRequest, signup_id: int, payload: ReasonIn | None = None):
    return activities.signup_cancel(
        actor=actor_of(request), signup_id=signup_id, reason=payload.reason if payload else ""
    )


@router.get("/signups/mine", response={200: list[SignUpOut], **ERRORS}, summary="我的报名")
def my_signups(request: HttpRequest):
    return list(activity_selectors.my_signups(actor=actor_of(request)))


# --- attendance and hours -------------------------------------------------------------------------


@router.post("/scan/{token}", response={200: ScanOut, **ERRORS}, summary="扫码：首次签到，再次签退")
def scan(request: HttpRequest, token: str):
    result = attendance.scan(actor=actor_of(request), token=token)
    return {
        "action": result.action,
        "attendance": result.attendance,
        "hours": _hours(result.hours.hours) if result.hours else None,
    }


@router.post(
    "/sessions/{session_id}/attendances",
    response={201: AttendanceOut, **ERRORS},
    summary="组织者代为签到/签退",
)
def attendance_record(request: HttpRequest, session_id: int, payload: AttendanceIn):
    return Status(
        201, attendance.attendance_record(actor=actor_of(request), session_id=session_id, **payload.dict())
    )


@router.post(
    "/attendances/{attendance_id}/check-out",
    response={200: AttendanceOut, **ERRORS},
    summary="组织者代为签退",
)
def attendance_check_out(request: HttpRequest, attendance_id: int, payload: CheckOutIn):
    return attendance.attendance_check_out(
        actor=actor_of(request), attendance_id=attendance_id, check_out_at=payload.check_out_at
    )


@router.get("/hours", response={200: list[HoursOut], **ERRORS}, summary="服务时长（按数据范围）")
def hours_list(request: HttpRequest, status: str = "", session_id: int | None = None):
    return list(
        attendance_selectors.hours_list_for_actor(
            actor=actor_of(request), status=status, session_id=session_id, limit=500
        )
    )


@router.post(
    "/hours/{hours_id}/confirm", response={200: HoursOut, **ERRORS}, summary="确认服务时长（活动组织者）"
)
def hours_confirm(request: HttpRequest, hours_id: int):
    return hours.hours_confirm(actor=actor_of(request), hours_id=hours_id)


@router.post("/hours/{hours_id}/reject", response={200: HoursOut, **ERRORS}, summary="服务时长不予确认")
def hours_reject(request: HttpRequest, hours_id: int, payload: ReasonIn):
    return hours.hours_reject(actor=actor_of(request), hours_id=hours_id, reason=payload.reason)


@router.post("/hours/{hours_id}/edit-requests", response={201: EditOut, **ERRORS}, summary="申请更正服务时长")
def edit_request(request: HttpRequest, hours_id: int, payload: EditIn):
    return Status(
        201,
        hours.hours_edit_request_create(actor=actor_of(request), hours_id=hours_id, **payload.dict()),
    )


@router.post("/edit-requests/{request_id}/decide", response={200: EditOut, **ERRORS}, summary="审核更正申请")
def edit_decide(request: HttpRequest, request_id: int, payload: DecideIn):
    return hours.hours_edit_request_decide(actor=actor_of(request), request_id=request_id, **payload.dict())


# --- certificates and figures ---------------------------------------------------------------------


@router.get("/certificates", response={200: list[CertificateOut], **ERRORS}, summary="志愿服务证明登记簿")
def certificate_list(request: HttpRequest, q: str = ""):
    return list(certificate_selectors.certificate_list_for_actor(actor=actor_of(request), q=q))


@router.post("/certificates", response={201: CertificateOut, **ERRORS}, summary="出具志愿服务证明")
def certificate_issue(request: HttpRequest, payload: CertificateIn):
    return Status(201, certificate_services.certificate_issue(actor=actor_of(request), **payload.dict()))


@router.get(
    "/certificates/{certificate_id}.pdf",
    response=ERRORS,
    openapi_extra={"responses": _PDF},
    summary="志愿服务证明（PDF）",
)
def certificate_pdf(request: HttpRequest, certificate_id: int):
    cert = certificate_selectors.certificate_get_for_actor(
        actor=actor_of(request), certificate_id=certificate_id
    )
    pdf = certificates.certificate_download(
        actor=actor_of(request),
        certificate=cert,
        verify_url=request.build_absolute_uri(f"/console/volunteers/certificates/?q={cert.number}"),
    )
    return pdf_response(pdf, f"志愿服务证明_{cert.number}.pdf", attachment=True)


@router.get(
    "/counts",
    response={200: VolunteerCountsOut, **ERRORS},
    summary="志愿服务队数、已开展活动场次、已确认服务时长",
)
def counts(request: HttpRequest):
    return volunteer_counts(scope_of(actor_of(request)))
