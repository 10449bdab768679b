"""志愿服务证明: a numbered certificate of a volunteer's confirmed service hours (the PDF is
``certificates.py``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.core.duties import refuse_own_work
from gongzhi.core.errors import Conflict, Forbidden, NotFound, field_error
from gongzhi.core.permissions import allowed, require
from gongzhi.volunteers import clock
from gongzhi.volunteers.enums import HoursStatus, star_level_for
from gongzhi.volunteers.models import Certificate, ServiceHours, Volunteer
from gongzhi.volunteers.services._common import volunteer_users

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


@transaction.atomic
def certificate_issue(
    *, actor: Actor, volunteer_id: int, period_end: dt.date | None = None, period_start: dt.date | None = None
) -> Certificate:
    """Certifies the volunteer's confirmed hours up to ``period_end`` (today by default). Numbered per
    community and year: ZYFW-<community code>-<year>-<sequence>. Nobody certifies themself."""
    from gongzhi.places.models import Community

    volunteer = Volunteer.objects.filter(pk=volunteer_id).first()
    if volunteer is None or not allowed(actor, "volunteers.view_volunteer", volunteer):
        raise NotFound(gettext("志愿者不存在或无权查看"))
    require(
        actor,
        "volunteers.issue_certificate",
        volunteer,
        error=Forbidden(gettext("只有志愿者所在社区的工作人员可以出具志愿服务证明")),
    )
    refuse_own_work(actor, volunteer_users(volunteer.pk), what=gettext("为本人出具志愿服务证明"))
    today = timezone.localdate(clock.now())
    period_end = period_end or today
    if period_end > today:
        raise field_error("period_end", gettext("截止日期不能晚于今天"))
    if period_start and period_start > period_end:
        raise field_error("period_start", gettext("起始日期不能晚于截止日期"))
    community = Community.objects.select_for_update().get(code=volunteer.community_code)
    rows = ServiceHours.objects.filter(
        volunteer=volunteer, status=HoursStatus.CONFIRMED, served_on__lte=period_end
    )
    if period_start:
        rows = rows.filter(served_on__gte=period_start)
    figures = rows.aggregate(total=Sum("hours"), n=Count("id"))
    total = figures["total"] or Decimal("0")
    if total <= 0:
        raise Conflict(gettext("该志愿者在此期间没有已确认的服务时长，不能出具证明"), code="no_hours")
    year = period_end.year
    prefix = f"ZYFW-{community.code}-{year}-"
    seq = Certificate.objects.filter(number__startswith=prefix).count() + 1
    cert = Certificate(
        number=f"{prefix}{seq:05d}",
        volunteer=volunteer,
        period_start=period_start,
        period_end=period_end,
        hours=total,
        star_level=star_level_for(volunteer.total_hours),
        activity_count=figures["n"] or 0,
        issued_by_id=actor.pk,
        issuer_name=f"{community.name}居民委员会",
        issued_at=clock.now(),
    )
    cert.set_place_codes(community_code=community.code)
    cert.save()
    audit_record(
        actor=actor,
        target=cert,
        event="volunteers.certificate_issued",
        data={"volunteer": volunteer.pk, "hours": str(total), "number": cert.number},
    )
    return cert
