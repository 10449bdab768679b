"""The grid academy through its services: plans, courses (a 训练营 of several steps), sessions at a booked
venue, QR check-in in the volunteers' window, organiser entries, qualifications with expiry, numbered
certificates only after every step, and the figures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.audit.models import AuditEvent
from gongzhi.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from gongzhi.training import selectors
from gongzhi.training.enums import CourseFormat, QualificationKind, TraineeKind, TrainerKind
from gongzhi.training.models import (
    CompletionCertificate,
    Course,
    TrainingAttendance,
    TrainingPlan,
    TrainingSession,
)
from gongzhi.training.services.attendance import training_attendance_record, training_check_in_by_qr
from gongzhi.training.services.certificates import (
    training_certificate_issue,
    training_certificates_bulk_issue,
)
from gongzhi.training.services.plans import CourseInput, course_create, training_plan_create
from gongzhi.training.services.sessions import training_session_cancel
from gongzhi.training.services.trainees import qualification_record
from gongzhi.training.tests.factories import make_course, make_plan, make_session, make_trainee
from gongzhi.volunteers import clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def at():
    """Moves the volunteers' clock (the check-in window reads it) to a given moment."""

    def move(moment: dt.datetime) -> None:
        clock.OFFSET = moment - timezone.now()

    yield move
    clock.OFFSET = dt.timedelta(0)


def test_plans_of_a_subdistrict_and_a_community_and_who_sees_them(district):
    d = district
    year = timezone.localdate().year
    sub = training_plan_create(
        actor=d.user("subdistrict_staff"),
        place_code=d.subdistricts["A"].code,
        year=year,
        title="街道网格学院年度计划",
    )
    com = make_plan(d)
    assert (sub.level, sub.community_code) == ("subdistrict", "")
    assert set(selectors.training_plan_list_for_actor(actor=d.user("subdistrict_staff"))) == {sub, com}
    assert set(selectors.training_plan_list_for_actor(actor=d.user("community_worker"))) == {com}
    assert not selectors.training_plan_list_for_actor(actor=d.user("resident")).exists()
    with pytest.raises(ValidationFailed, match="只能为本人负责的街道或社区制定计划"):
        training_plan_create(
            actor=d.user("community_worker"), place_code=d.subdistricts["A"].code, year=year, title="x"
        )
    with pytest.raises(ValidationFailed, match="本年度已有同名培训计划"):
        make_plan(d)
    with pytest.raises(ValidationFailed) as exc:
        training_plan_create(
            actor=d.user("community_worker"), place_code=d.communities["A1"].code, year=99999, title="y"
        )
    assert "year" in exc.value.fields
    assert TrainingPlan.objects.count() == 2


def test_a_camp_has_steps_and_bad_courses_are_refused(district):
    d = district
    plan = make_plan(d)
    camp = make_course(d, plan, steps=3, title="网格员训练营")
    assert camp.steps == 3 and camp.format == CourseFormat.CAMP
    with pytest.raises(ValidationFailed, match="训练营应有2到20个阶段"):
        course_create(
            actor=d.user("community_worker"),
            plan_id=plan.pk,
            data=CourseInput(
                title="x",
                trainer_name="y",
                trainer_kind=TrainerKind.EXPERT,
                format=CourseFormat.CAMP,
                steps=1,
            ),
        )
    with pytest.raises(ValidationFailed, match="请填写授课人"):
        course_create(
            actor=d.user("community_worker"),
            plan_id=plan.pk,
            data=CourseInput(
                title="x", trainer_name=" ", trainer_kind=TrainerKind.EXPERT, format=CourseFormat.LECTURE
            ),
        )
    with pytest.raises(NotFound):
        course_create(
            actor=d.user("grid_worker"),
            plan_id=plan.pk,
            data=CourseInput(
                title="x", trainer_name="y", trainer_kind=TrainerKind.EXPERT, format=CourseFormat.LECTURE
            ),
        )
    assert Course.objects.count() == 1


def test_a_session_at_a_venue_books_it_and_a_clash_is_refused(district):
    from gongzhi.venues.enums import LinkKind
    from gongzhi.venues.models import Booking
    from gongzhi.venues.tests.factories import make_venue

    d = district
    venue = make_venue(d)
    course = make_course(d, make_plan(d))
    start = timezone.localtime().replace(hour=14, minute=0, second=0, microsecond=0) + dt.timedelta(days=2)
    while start.weekday() >= 5:
        start += dt.timedelta(days=1)
    days = (start.date() - timezone.localdate()).days
    s = make_session(d, course, days=days, venue_id=venue.pk)
    booking = Booking.objects.get(pk=s.booking_id)
    assert (booking.linked_kind, booking.linked_id, booking.venue_id) == (LinkKind.TRAINING, s.pk, venue.pk)
    with pytest.raises(Conflict, match="该时段已被预约"):
        make_session(d, course, days=days, venue_id=venue.pk)
    assert TrainingSession.objects.count() == 1  # the clashing session rolled back with its booking
    training_session_cancel(actor=d.user("community_worker"), session_id=s.pk, reason="讲师有事")
    booking.refresh_from_db()
    assert booking.status == "cancelled"


def test_qr_check_in_in_the_window_once(district, at):
    d = district
    course = make_course(d, make_plan(d))
    s = make_session(d, course)
    me = make_trainee(d)
    at(s.starts_at - dt.timedelta(hours=1))
    with pytest.raises(Conflict, match="培训尚未开始"):
        training_check_in_by_qr(actor=d.user("grid_worker"), token=s.qr_token)
    at(s.starts_at - dt.timedelta(minutes=10))
    row = training_check_in_by_qr(actor=d.user("grid_worker"), token=s.qr_token)
    assert row.trainee == me and row.source == "qr"
    with pytest.raises(Conflict, match="已签到"):
        training_check_in_by_qr(actor=d.user("grid_worker"), token=s.qr_token)
    with pytest.raises(Conflict, match="还不是网格学院的学员"):
        training_check_in_by_qr(actor=d.user("resident"), token=s.qr_token)
    with pytest.raises(NotFound, match="签到码无效"):
        training_check_in_by_qr(actor=d.user("grid_worker"), token="nonsense")
    at(s.ends_at + dt.timedelta(minutes=1))
    other = make_trainee(d, who="grid_worker_g2")
    with pytest.raises(Conflict, match="培训已结束"):
        training_check_in_by_qr(actor=d.user("grid_worker_g2"), token=s.qr_token)
    training_attendance_record(actor=d.user("community_worker"), session_id=s.pk, trainee_id=other.pk)
    s.refresh_from_db()
    assert s.attended_count == 2 and TrainingAttendance.objects.count() == 2


def test_certificates_after_every_step_numbered_per_plan_and_never_to_oneself(district):
    d = district
    plan = make_plan(d)
    camp = make_course(d, plan, steps=2, title="网格员训练营")
    s1, s2 = make_session(d, camp, step=1, days=2), make_session(d, camp, step=2, days=3, hours=3)
    a, b = make_trainee(d), make_trainee(d, who=None, kind=TraineeKind.VOLUNTEER)
    staff = d.user("community_worker")
    for t in (a, b):
        training_attendance_record(actor=staff, session_id=s1.pk, trainee_id=t.pk)
    with pytest.raises(Conflict, match="尚未参加全部阶段培训"):
        training_certificate_issue(actor=staff, course_id=camp.pk, trainee_id=a.pk)
    training_attendance_record(actor=staff, session_id=s2.pk, trainee_id=a.pk)
    training_attendance_record(actor=staff, session_id=s2.pk, trainee_id=b.pk)
    c1 = training_certificate_issue(actor=staff, course_id=camp.pk, trainee_id=a.pk)
    c2 = training_certificate_issue(actor=staff, course_id=camp.pk, trainee_id=b.pk)
    year = timezone.localdate().year
    assert [c1.number, c2.number] == [
        f"PX-{plan.community_code}-{year}-0001",
        f"PX-{plan.community_code}-{year}-0002",
    ]
    assert float(c1.hours) == 5.0
    with pytest.raises(Conflict, match="已取得本课程结业证书"):
        training_certificate_issue(actor=staff, course_id=camp.pk, trainee_id=a.pk)
    # a community worker who is a trainee does not issue their own certificate
    own = make_trainee(d, who="community_secretary", kind=TraineeKind.STAFF)
    lecture = make_course(d, plan, title="政策解读")
    s3 = make_session(d, lecture, days=4)
    training_attendance_record(actor=staff, session_id=s3.pk, trainee_id=own.pk)
    before = AuditEvent.objects.count()
    with pytest.raises(Forbidden) as exc:
        training_certificate_issue(
            actor=d.user("community_secretary"), course_id=lecture.pk, trainee_id=own.pk
        )
    assert exc.value.code == "own_work" and AuditEvent.objects.count() == before
    assert CompletionCertificate.objects.count() == 2


def test_certificates_issued_at_once_are_checked_as_one_by_one(district):
    d = district
    plan = make_plan(d)
    camp = make_course(d, plan, steps=2, title="网格员训练营")
    s1, s2 = make_session(d, camp, step=1, days=2), make_session(d, camp, step=2, days=3, hours=3)
    a, b = make_trainee(d), make_trainee(d, who=None, kind=TraineeKind.VOLUNTEER)
    late = make_trainee(d, who="grid_worker_g2")
    staff = d.user("community_worker")
    for t in (a, b, late):
        training_attendance_record(actor=staff, session_id=s1.pk, trainee_id=t.pk)
    for t in (a, b):
        training_attendance_record(actor=staff, session_id=s2.pk, trainee_id=t.pk)
    before = (AuditEvent.objects.count(), CompletionCertificate.objects.count())
    # one trainee short of a step refuses the whole batch, nothing written
    with pytest.raises(Conflict, match="尚未参加全部阶段培训"):
        training_certificates_bulk_issue(actor=staff, course_id=camp.pk, trainee_ids=[a.pk, late.pk])
    with pytest.raises(NotFound):
        training_certificates_bulk_issue(actor=staff, course_id=camp.pk, trainee_ids=[a.pk, 10**9])
    assert (AuditEvent.objects.count(), CompletionCertificate.objects.count()) == before
    certs = training_certificates_bulk_issue(actor=staff, course_id=camp.pk, trainee_ids=[a.pk, b.pk])
    year = timezone.localdate().year
    assert [c.number for c in certs] == [
        f"PX-{plan.community_code}-{year}-0001",
        f"PX-{plan.community_code}-{year}-0002",
    ]
    assert [float(c.hours) for c in certs] == [5.0, 5.0]
    assert AuditEvent.objects.count() == before[0] + 1  # one audit row for the batch
    plan.refresh_from_db()
    assert plan.certificates_issued == 2
    with pytest.raises(Conflict, match="已取得本课程结业证书"):
        training_certificates_bulk_issue(actor=staff, course_id=camp.pk, trainee_ids=[b.pk])
    # the next single certificate continues the numbering
    training_attendance_record(actor=staff, session_id=s2.pk, trainee_id=late.pk)
    assert training_certificate_issue(actor=staff, course_id=camp.pk, trainee_id=late.pk).number.endswith(
        "-0003"
    )
    # the actor among the trainees: the whole batch is refused
    own = make_trainee(d, who="community_secretary", kind=TraineeKind.STAFF)
    lecture = make_course(d, plan, title="政策解读")
    s3 = make_session(d, lecture, days=4)
    for t in (a, own):
        training_attendance_record(actor=staff, session_id=s3.pk, trainee_id=t.pk)
    count = CompletionCertificate.objects.count()
    with pytest.raises(Forbidden) as exc:
        training_certificates_bulk_issue(
            actor=d.user("community_secretary"), course_id=lecture.pk, trainee_ids=[a.pk, own.pk]
        )
    assert exc.value.code == "own_work" and CompletionCertificate.objects.count() == count


def test_qualifications_with_expiry_and_the_figures(district, at):
    d = district
    a = make_trainee(d)
    b = make_trainee(d, who="community_secretary", kind=TraineeKind.STAFF)
    today = timezone.localdate()
    staff = d.user("community_worker")
    qualification_record(
        actor=staff,
        trainee_id=a.pk,
        kind=QualificationKind.LICENSED_SOCIAL_WORKER,
        number="SG-001",
        level="助理社会工作师",
        issued_on=today - dt.timedelta(days=800),
        expires_on=today + dt.timedelta(days=30),
    )
    qualification_record(
        actor=staff,
        trainee_id=b.pk,
        kind=QualificationKind.LICENSED_SOCIAL_WORKER,
        number="SG-002",
        issued_on=today - dt.timedelta(days=2000),
        expires_on=today - dt.timedelta(days=1),
    )
    qualification_record(
        actor=staff, trainee_id=b.pk, kind=QualificationKind.HARMONY_ENVOY, number="HX-1", issued_on=today
    )
    with pytest.raises(ValidationFailed, match="该证书编号已登记"):
        qualification_record(
            actor=staff, trainee_id=b.pk, kind=QualificationKind.HARMONY_ENVOY, number="HX-1", issued_on=today
        )
    with pytest.raises(ValidationFailed, match="有效期应晚于取得日期"):
        qualification_record(
            actor=staff,
            trainee_id=b.pk,
            kind=QualificationKind.HARMONY_ENVOY,
            number="HX-2",
            issued_on=today,
            expires_on=today,
        )
    due = list(selectors.qualification_list_for_actor(actor=staff, due_only=True))
    assert [q.number for q in due] == ["SG-002", "SG-001"]
    course = make_course(d, make_plan(d))
    past = make_session(d, course, days=2, hours=2)
    TrainingSession.objects.filter(pk=past.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=3), ends_at=timezone.now() - dt.timedelta(hours=1)
    )
    for t in (a, b):
        training_attendance_record(actor=staff, session_id=past.pk, trainee_id=t.pk)
    make_session(d, course, days=5)  # not held yet
    rows = {r["code"]: r for r in selectors.training_figures_for_actor(actor=staff, year=today.year)}
    a1 = rows[d.communities["A1"].code]
    assert (a1["sessions"], a1["trainee_hours"], a1["trainees"]) == (1, 4.0, 2)
    assert a1["qualified"] == {"licensed_social_worker": 1, "harmony_envoy": 1, "grid_worker_certificate": 0}
    from gongzhi.training.selectors import training_counts

    assert training_counts() == {"sessions_this_year": 1, "trainees": 2, "licensed_social_workers": 1}


def test_a_roster_of_qualifications_at_once_and_a_duplicate_refuses_all(district):
    from gongzhi.training.models import Qualification
    from gongzhi.training.services.trainees import QualificationRow, qualifications_bulk_record

    d = district
    a, b = make_trainee(d), make_trainee(d, who="community_secretary", kind=TraineeKind.STAFF)
    today = timezone.localdate()
    rows = [
        QualificationRow(a, QualificationKind.GRID_WORKER_CERTIFICATE, "WG1", today),
        QualificationRow(
            b, QualificationKind.LICENSED_SOCIAL_WORKER, "SW1", today, today + dt.timedelta(days=1095)
        ),
    ]
    assert len(qualifications_bulk_record(actor=None, rows=rows)) == 2
    with pytest.raises(ValidationFailed, match="编号"):
        qualifications_bulk_record(
            actor=None,
            rows=[
                QualificationRow(a, QualificationKind.HARMONY_ENVOY, "HX1", today),
                QualificationRow(b, QualificationKind.HARMONY_ENVOY, "HX1", today),
            ],
        )
    assert Qualification.objects.count() == 2
