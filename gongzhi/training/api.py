"""The grid academy API under /api/v1/training/: plans, courses, sessions, the QR check-in, trainees,
qualifications, certificates and figures. Thin: one service or selector per handler."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from gongzhi.core.access import actor_of
from gongzhi.core.api import ERRORS, session_auth
from gongzhi.core.http import pdf_response
from gongzhi.training import certificate, selectors
from gongzhi.training.services import attendance, certificates, plans, sessions, trainees

router = Router(tags=["网格学院"], auth=session_auth)


class PlanIn(Schema):
    place_code: str = Field(..., max_length=12, description="街道或社区代码")
    year: int
    title: str = Field(..., max_length=100)
    target_sessions: int = 0
    target_hours: int = 0
    notes: str = Field("", max_length=2000)


class PlanOut(Schema):
    id: int
    year: int
    level: str
    place_name: str
    title: str
    target_sessions: int
    target_hours: int


class CourseIn(Schema):
    plan_id: int
    title: str = Field(..., max_length=100)
    topic: str = Field("", max_length=200)
    trainer_name: str = Field(..., max_length=50)
    trainer_kind: str = Field(..., description="expert / social_worker / staff")
    format: str = Field(..., description="lecture / site_visit / discussion / camp")
    steps: int = 1


class CourseOut(Schema):
    id: int
    plan_id: int
    title: str
    topic: str
    trainer_name: str
    trainer_kind: str
    format: str
    steps: int


class SessionIn(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime
    step: int = 1
    venue_id: int | None = None
    place_text: str = Field("", max_length=200)
    attendees: int = 1


class SessionOut(Schema):
    id: int
    course_id: int
    step: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    venue_id: int | None
    place_text: str
    status: str
    attended_count: int
    booking_id: int | None


class ScanIn(Schema):
    token: str = Field(..., max_length=32)


class AttendanceOut(Schema):
    id: int
    session_id: int
    trainee_id: int
    checked_in_at: dt.datetime
    source: str


class AttendanceIn(Schema):
    trainee_id: int


class TraineeIn(Schema):
    community_id: int
    name: str = Field(..., max_length=50)
    kind: str = Field(..., description="staff / grid_worker / volunteer")
    user_id: int | None = None
    volunteer_id: int | None = None


class TraineeOut(Schema):
    id: int
    name: str
    kind: str
    community_code: str


class QualificationIn(Schema):
    kind: str = Field(..., description="licensed_social_worker / harmony_envoy / grid_worker_certificate")
    number: str = Field(..., max_length=50)
    issued_on: dt.date
    expires_on: dt.date | None = None
    level: str = Field("", max_length=50)


class QualificationOut(Schema):
    id: int
    trainee_id: int
    kind: str
    level: str
    number: str
    issued_on: dt.date
    expires_on: dt.date | None


class CertificateIn(Schema):
    trainee_id: int


class CertificateOut(Schema):
    id: int
    number: str
    trainee_id: int
    course_id: int
    hours: float
    issued_on: dt.date


class FigureOut(Schema):
    code: str
    name: str
    sessions: int
    trainee_hours: float
    trainees: int
    qualified: dict[str, int]


@router.get("/plans", response={200: list[PlanOut], **ERRORS}, summary="培训计划")
def plan_list(request: HttpRequest, year: int | None = None):
    return list(selectors.training_plan_list_for_actor(actor=actor_of(request), year=year)[:500])


@router.post("/plans", response={201: PlanOut, **ERRORS}, summary="制定年度培训计划")
def plan_create(request: HttpRequest, payload: PlanIn):
    return Status(201, plans.training_plan_create(actor=actor_of(request), **payload.dict()))


@router.get("/courses", response={200: list[CourseOut], **ERRORS}, summary="课程")
def course_list(request: HttpRequest, plan_id: int | None = None):
    return list(selectors.course_list_for_actor(actor=actor_of(request), plan_id=plan_id)[:500])


@router.post("/courses", response={201: CourseOut, **ERRORS}, summary="新增课程")
def course_create(request: HttpRequest, payload: CourseIn):
    data = payload.dict()
    plan_id = data.pop("plan_id")
    return Status(
        201, plans.course_create(actor=actor_of(request), plan_id=plan_id, data=plans.CourseInput(**data))
    )


@router.post("/courses/{course_id}/sessions", response={201: SessionOut, **ERRORS}, summary="安排培训场次")
def session_create(request: HttpRequest, course_id: int, payload: SessionIn):
    return Status(
        201,
        sessions.training_session_schedule(actor=actor_of(request), course_id=course_id, **payload.dict()),
    )


@router.get("/sessions/{session_id}", response={200: SessionOut, **ERRORS}, summary="培训场次")
def session_detail(request: HttpRequest, session_id: int):
    return selectors.training_session_get_for_actor(actor=actor_of(request), session_id=session_id)


@router.post(
    "/sessions/{session_id}/attendance", response={201: AttendanceOut, **ERRORS}, summary="组织者登记签到"
)
def attendance_create(request: HttpRequest, session_id: int, payload: AttendanceIn):
    row = attendance.training_attendance_record(
        actor=actor_of(request), session_id=session_id, trainee_id=payload.trainee_id
    )
    return Status(201, row)


@router.post("/scan", response={201: AttendanceOut, **ERRORS}, summary="扫码签到")
def scan(request: HttpRequest, payload: ScanIn):
    return Status(201, attendance.training_check_in_by_qr(actor=actor_of(request), token=payload.token))


@router.get("/trainees", response={200: list[TraineeOut], **ERRORS}, summary="学员")
def trainee_list(request: HttpRequest, community_code: str = "", kind: str = ""):
    return list(
        selectors.trainee_list_for_actor(actor=actor_of(request), community_code=community_code, kind=kind)[
            :1000
        ]
    )


@router.post("/trainees", response={201: TraineeOut, **ERRORS}, summary="登记学员")
def trainee_create(request: HttpRequest, payload: TraineeIn):
    return Status(201, trainees.trainee_register(actor=actor_of(request), **payload.dict()))


@router.post(
    "/trainees/{trainee_id}/qualifications",
    response={201: QualificationOut, **ERRORS},
    summary="登记资格证书",
)
def qualification_create(request: HttpRequest, trainee_id: int, payload: QualificationIn):
    return Status(
        201, trainees.qualification_record(actor=actor_of(request), trainee_id=trainee_id, **payload.dict())
    )


@router.post(
    "/courses/{course_id}/certificates", response={201: CertificateOut, **ERRORS}, summary="发放结业证书"
)
def certificate_create(request: HttpRequest, course_id: int, payload: CertificateIn):
    cert = certificates.training_certificate_issue(
        actor=actor_of(request), course_id=course_id, trainee_id=payload.trainee_id
    )
    return Status(201, cert)


@router.get(
    "/certificates/{certificate_id}.pdf",
    response={200: None, **ERRORS},
    openapi_extra={
        "responses": {
            200: {
                "description": "PDF",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
    summary="结业证书（PDF）",
)
def certificate_pdf(request: HttpRequest, certificate_id: int):
    actor = actor_of(request)
    cert = selectors.completion_certificate_get_for_actor(actor=actor, certificate_id=certificate_id)
    return pdf_response(
        certificate.certificate_pdf_download(actor=actor, certificate=cert),
        f"结业证书-{cert.number}.pdf",
        attachment=True,
    )


class FigureFilter(Schema):
    year: int | None = None


@router.get("/figures", response={200: list[FigureOut], **ERRORS}, summary="培训数字（场次、学时、持证人数）")
def figures(request: HttpRequest, filters: Query[FigureFilter]):
    year = filters.year or timezone.localdate().year
    return selectors.training_figures_for_actor(actor=actor_of(request), year=year)
