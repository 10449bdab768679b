import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from gongzhi.audit.models import AuditEvent
from gongzhi.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from gongzhi.volunteers.enums import HoursStatus, SignUpStatus
from gongzhi.volunteers.models import Attendance, HoursEditRequest, ServiceHours, Volunteer
from gongzhi.volunteers.services import attendance as att
from gongzhi.volunteers.services import hours as hrs
from gongzhi.volunteers.services.activities import signup_create
from gongzhi.volunteers.services.hours import round_hours
from gongzhi.volunteers.services.teams import volunteer_profile_update
from gongzhi.volunteers.tests.conftest import make_activity, move_clock, resident_user

pytestmark = pytest.mark.django_db


def test_rounding_rule_is_to_the_nearest_half_hour():
    assert round_hours(14 * 60 + 59) == Decimal("0.0")
    assert round_hours(15 * 60) == Decimal("0.5")
    assert round_hours(104 * 60) == Decimal("1.5")
    assert round_hours(105 * 60) == Decimal("2.0")
    assert round_hours(120 * 60 - 3) == Decimal("2.0")
    assert round_hours(30 * 3600) == Decimal("24.0")


def _profile(district, n=0):
    user = resident_user(district, "g1", n)
    volunteer_profile_update(actor=user, skills=["medical"], availability_pattern="678")
    return user


def _signed_up(district, session, n=0):
    user = resident_user(district, "g1", n)
    signup_create(actor=user, session_id=session.pk)
    return user


def test_scan_checks_in_then_out_and_the_organiser_confirms(district, session):
    user = _signed_up(district, session)
    move_clock(session.starts_at - timezone.now() - dt.timedelta(minutes=10))  # 10 min before the start
    first = att.scan(actor=user, token=session.qr_token)
    assert first.action == "checked_in"
    move_clock(session.starts_at - timezone.now() + dt.timedelta(minutes=95))
    second = att.scan(actor=user, token=session.qr_token)
    assert second.action == "checked_out"
    hours = second.hours
    assert hours is not None and hours.hours == Decimal("1.5")  # early arrival not counted; 95 min → 1.5 h
    assert hours.status == HoursStatus.PENDING
    with pytest.raises(Conflict, match="已于"):
        att.scan(actor=user, token=session.qr_token)
    with pytest.raises(Forbidden):
        hrs.hours_confirm(actor=user, hours_id=hours.pk)  # 谁组织谁记录: not the volunteer

    hrs.hours_confirm(actor=district.user("community_worker"), hours_id=hours.pk)
    volunteer = Volunteer.objects.get(user=user)
    assert volunteer.total_hours == Decimal("1.5") and volunteer.star_level == 0
    signup = Attendance.objects.get().signup
    assert signup is not None and signup.status == SignUpStatus.ATTENDED


def test_check_out_before_check_in_is_refused_and_nothing_written(district, session):
    user = _signed_up(district, session)
    move_clock(session.starts_at - timezone.now() + dt.timedelta(minutes=5))
    before = AuditEvent.objects.count()
    with pytest.raises(Conflict) as exc:
        att.check_out_by_qr(actor=user, token=session.qr_token)
    assert exc.value.message == "尚未签到，不能签退"
    volunteer = Volunteer.objects.get(user=user)
    at = session.starts_at + dt.timedelta(minutes=30)
    with pytest.raises(ValidationFailed) as exc2:
        att.attendance_record(
            actor=district.user("community_worker"),
            session_id=session.pk,
            volunteer_id=volunteer.pk,
            check_in_at=at,
            check_out_at=at - dt.timedelta(minutes=10),
        )
    assert exc2.value.fields["check_out_at"] == "签退时间应晚于签到时间"
    assert not Attendance.objects.exists() and not ServiceHours.objects.exists()
    assert AuditEvent.objects.count() == before


def test_overlapping_hours_for_one_volunteer_are_refused(district, team):
    first = make_activity(district, team, day=-1, at=9, length_hours=3).sessions.get()
    second = make_activity(district, team, day=-1, at=10, length_hours=2).sessions.get()
    worker = district.user("community_worker")
    user = _profile(district)
    volunteer = Volunteer.objects.get(user=user)
    att.attendance_record(
        actor=worker,
        session_id=first.pk,
        volunteer_id=volunteer.pk,
        check_in_at=first.starts_at,
        check_out_at=first.ends_at,
    )
    before = (Attendance.objects.count(), ServiceHours.objects.count(), AuditEvent.objects.count())
    with pytest.raises(Conflict) as exc:
        att.attendance_record(
            actor=worker,
            session_id=second.pk,
            volunteer_id=volunteer.pk,
            check_in_at=second.starts_at,
            check_out_at=second.ends_at,
        )
    assert "重叠" in exc.value.message and "社区义诊" in exc.value.message
    assert (Attendance.objects.count(), ServiceHours.objects.count(), AuditEvent.objects.count()) == before

    # A correction that would overlap is refused too.
    later = make_activity(district, team, day=-1, at=14, length_hours=1, title="法律咨询").sessions.get()
    att.attendance_record(
        actor=worker,
        session_id=later.pk,
        volunteer_id=volunteer.pk,
        check_in_at=later.starts_at,
        check_out_at=later.ends_at,
    )
    hours = ServiceHours.objects.get(session=later)
    with pytest.raises(Conflict, match="重叠"):
        hrs.hours_edit_request_create(
            actor=user,
            hours_id=hours.pk,
            started_at=first.ends_at - dt.timedelta(minutes=30),
            ended_at=later.ends_at,
            reason="提前到场布置",
        )
    assert not HoursEditRequest.objects.exists()


def test_confirmed_hours_change_only_through_an_approved_edit_request(district, team):
    session = make_activity(district, team, day=-1, at=9, length_hours=2).sessions.get()
    worker = district.user("community_worker")
    user = _profile(district)
    volunteer = Volunteer.objects.get(user=user)
    att.attendance_record(
        actor=worker,
        session_id=session.pk,
        volunteer_id=volunteer.pk,
        check_in_at=session.starts_at,
        check_out_at=session.starts_at + dt.timedelta(hours=1),
    )
    hours = ServiceHours.objects.get()
    hrs.hours_confirm(actor=worker, hours_id=hours.pk)
    with pytest.raises(Conflict):
        hrs.hours_confirm(actor=worker, hours_id=hours.pk)
    request = hrs.hours_edit_request_create(
        actor=user,
        hours_id=hours.pk,
        started_at=session.starts_at,
        ended_at=session.ends_at,
        reason="忘记扫码签退，实际服务到活动结束",
    )
    assert request.new_hours == Decimal("2.0")
    hours.refresh_from_db()
    assert hours.hours == Decimal("1.0")  # nothing changes before approval
    with pytest.raises(NotFound):
        hrs.hours_edit_request_decide(actor=user, request_id=request.pk, approve=True)
    hrs.hours_edit_request_decide(actor=worker, request_id=request.pk, approve=True, note="核实无误")
    hours.refresh_from_db()
    volunteer.refresh_from_db()
    assert hours.hours == Decimal("2.0") and volunteer.total_hours == Decimal("2.0")
    event = AuditEvent.objects.get(event_type="volunteers.hours_corrected")
    assert event.data["from"] == "1.0" and event.data["to"] == "2.0"


def test_totals_rebuild_from_records_and_star_levels(district, session):
    from gongzhi.volunteers.enums import star_level_for

    assert [star_level_for(h) for h in (99, 100, 299.5, 300, 600, 1000, 1499, 1500, 5000)] == [
        0,
        1,
        1,
        2,
        3,
        4,
        4,
        5,
        5,
    ]
    user = _signed_up(district, session)
    volunteer = Volunteer.objects.get(user=user)
    Volunteer.objects.filter(pk=volunteer.pk).update(total_hours=Decimal("999"), star_level=3)
    changed = hrs.volunteer_totals_rebuild(
        actor=district.user("community_worker"), community_id=district.communities["A1"].pk
    )
    volunteer.refresh_from_db()
    assert changed == 1 and volunteer.total_hours == 0 and volunteer.star_level == 0
