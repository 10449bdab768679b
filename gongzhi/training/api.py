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
from gongzhi.jobs.api import JobOut, job_body
from gongzhi.training import certificate, selectors
from gongzhi.training.services import attendance, certificates, plans, sessions, trainees

router = Router(tags=["网格学院"], auth=session_auth)


class TrainingPlanIn(Schema):
    place_code: str = Field(..., max_length=12, description="街道或社区代码")
    year: int
    title: str = Field(..., max_length=100)
    target_sessions: int = 0
    target_hours: int = 0
    notes: str = Field("", max_length=2000)


class TrainingPlanOut(Schema):
    id: int
    year: int
    level: str
    place_name: str
    title: str
    target_sessions: int
    target_hours: int


class TrainingCourseIn(Schema):
    plan_id: int
    title: str = Field(..., max_length=100)
    topic: str = Field("", max_length=200)
    trainer_name: str = Field(..., max_length=50)
    trainer_kind: str = Field(..., description="expert / social_worker / staff")
    format: str = Field(..., description="lecture / site_visit / discussion / camp")
    steps: int = 1


class TrainingCourseOut(Schema):
    id: int
    plan_id: int
    title: str
    topic: str
    trainer_name: str
    trainer_kind: str
    format: str
    steps: int


class TrainingSessionIn(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime
    step: int = 1
    venue_id: int | None = None
    place_text: str = Field("", max_length=200)
    attendees: int = 1


class TrainingSessionOut(Schema):
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


class TrainingScanIn(Schema):
    token: str = Field(..., max_length=32)


class TrainingAttendanceOut(Schema):
    id: int
    session_id: int
    trainee_id: int
    checked_in_at: dt.datetime
    source: str


class TrainingAttendanceIn(Schema):
    trainee_id: int


class TrainingTraineeIn(Schema):
    community_id: int
    name: str = Field(..., max_length=50)
    kind: str = Field(..., description="staff / grid_worker / volunteer")
    user_id: int | None = None
    volunteer_id: int | None = None


class TrainingTraineeOut(Schema):
    id: int
    name: str
    kind: str
    community_code: str


class TrainingQualificationIn(Schema):
    kind: str = Field(..., description="licensed_social_worker / harmony_envoy / grid_worker_certificate")
    number: str = Field(..., max_length=50)
    issued_on: dt.date
    expires_on: dt.date | None = None
    level: str = Field("", max_length=50)


class TrainingQualificationOut(Schema):
    id: int
    trainee_id: int
    kind: str
    level: str
    number: str
    issued_on: dt.date
    expires_on: dt.date | None


class TrainingCertificateIn(Schema):
    trainee_id: int


class TrainingCertificateOut(Schema):
    id: int
    number: str
    trainee_id: int
    course_id: int
    hours: float
    issued_on: dt.date


class TrainingFigureOut(Schema):
    code: str
    name: str
    sessions: int
    trainee_hours: float
    trainees: int
    qualified: dict[str, int]


@router.get("/plans", response={200: list[TrainingPlanOut], **ERRORS}, summary="培训计划")
def plan_list(request: HttpRequest, year: int | None = None):
    return list(selectors.training_plan_list_for_actor(actor=actor_of(request), year=year)[:500])


@router.post("/plans", response={201: TrainingPlanOut, **ERRORS}, summary="制定年度培训计划")
def plan_create(request: HttpRequest, payload: TrainingPlanIn):
    return Status(201, plans.training_plan_create(actor=actor_of(request), **payload.dict()))


@router.get("/courses", response={200: list[TrainingCourseOut], **ERRORS}, summary="课程")
def course_list(request: HttpRequest, plan_id: int | None = None):
    return list(selectors.course_list_for_actor(actor=actor_of(request), plan_id=plan_id)[:500])


@router.post("/courses", response={201: TrainingCourseOut, **ERRORS}, summary="新增课程")
def course_create(request: HttpRequest, payload: TrainingCourseIn):
    data = payload.dict()
    plan_id = data.pop("plan_id")
    return Status(
        201, plans.course_create(actor=actor_of(request), plan_id=plan_id, data=plans.CourseInput(**data))
    )


@router.post(
    "/courses/{course_id}/sessions", response={201: TrainingSessionOut, **ERRORS}, summary="安排培训场次"
)
def session_create(request: HttpRequest, course_id: int, payload: TrainingSessionIn):
    return Status(
        201,
        sessions.training_session_schedule(actor=actor_of(request), course_id=course_id, **payload.dict()),
    )


@router.get("/sessions/{session_id}", response={200: TrainingSessionOut, **ERRORS}, summary="培训场次")
def session_detail(request: HttpRequest, session_id: int):
    return selectors.training_session_get_for_actor(actor=actor_of(request), session_id=session_id)


@router.post(
    "/sessions/{session_id}/attendance",
    response={201: TrainingAttendanceOut, **ERRORS},
    summary="组织者登记签到",
)
def attendance_create(request: HttpRequest, session_id: int, payload: TrainingAttendanceIn):
    row = attendance.training_attendance_record(
        actor=actor_of(request), session_id=session_id, trainee_id=payload.trainee_id
    )
    return Status(201, row)


@router.post("/scan", response={201: TrainingAttendanceOut, **ERRORS}, summary="扫码签到")
def scan(request: HttpRequest, payload: TrainingScanIn):
    return Status(201, attendance.training_check_in_by_qr(actor=actor_of(request), token=payload.token))


@router.get("/trainees", response={200: list[TrainingTraineeOut], **ERRORS}, summary="学员")
def trainee_list(request: HttpRequest, community_code: str = "", kind: str = ""):
    return list(
        selectors.trainee_list_for_actor(actor=actor_of(request), community_code=community_code, kind=kind)[
            :1000
        ]
    )


@router.post("/trainees", response={201: TrainingTraineeOut, **ERRORS}, summary="登记学员")
def trainee_create(request: HttpRequest, payload: TrainingTraineeIn):
    return Status(201, trainees.trainee_register(actor=actor_of(request), **payload.dict()))


@router.post(
    "/trainees/{trainee_id}/qualifications",
    response={201: TrainingQualificationOut, **ERRORS},
    summary="登记资格证书",
)
def qualification_create(request: HttpRequest, trainee_id: int, payload: TrainingQualificationIn):
    return Status(
        201, trainees.qualification_record(actor=actor_of(request), trainee_id=trainee_id, **payload.dict())
    )


@router.post(
    "/courses/{course_id}/certificates",
    response={201: TrainingCertificateOut, **ERRORS},
    summary="发放结业证书",
)
def certificate_create(request: HttpRequest, course_id: int, payload: TrainingCertificateIn):
    cert = certificates.training_certificate_issue(
        actor=actor_of(request), course_id=course_id, trainee_id=payload.trainee_id
    )
    return Status(201, cert)


@router.post(
    "/courses/{course_id}/certificates-pdf-job",
    response={202: JobOut, **ERRORS},
    summary="在后台生成本课程全部结业证书（一个PDF，每份一页）：立即返回任务，PDF为发起人的结果文件",
)
def certificates_pdf_job(request: HttpRequest, course_id: int):
    from gongzhi.training.certificate import certificates_pdf_enqueue

    return Status(202, job_body(certificates_pdf_enqueue(actor=actor_of(request), course_id=course_id)))


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


class TrainingFigureFilter(Schema):
    year: int | None = None


@router.get(
    "/figures", response={200: list[TrainingFigureOut], **ERRORS}, summary="培训数字（场次、学时、持证人数）"
)
def figures(request: HttpRequest, filters: Query[TrainingFigureFilter]):
    year = filters.year or timezone.localdate().year
    return selectors.training_figures_for_actor(actor=actor_of(request), year=year)
