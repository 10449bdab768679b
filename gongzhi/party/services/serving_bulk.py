"""Service already done and checked by the community, entered in bulk (a paper register brought in, the demo
district): the rules of one record at a time (``serving``), all or nothing, one audit row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.core.duties import own_work_error
from gongzhi.core.errors import ValidationFailed
from gongzhi.party.enums import RecordStatus, RegistrationStatus
from gongzhi.party.models import Claim, MemberRegistration, PartyMember, ServiceRecord
from gongzhi.party.services._validation import MAX_HOURS_PER_DAY, own_member_ids, parse_service_hours
from gongzhi.party.services.serving import HOLDING, _community_for_staff

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


@dataclass
class RecordRow:
    """One service already done and checked, for ``service_records_bulk_confirmed``."""

    member_id: int
    served_on: dt.date
    hours: Decimal
    content: str
    beneficiaries: str = ""
    claim_id: int | None = None
    rating: int | None = None


@transaction.atomic
def service_records_bulk_confirmed(*, actor: Actor, community_id: int, rows: list[RecordRow]) -> int:
    """Service already done and checked by the community, entered in bulk (a paper register brought in,
    the demo district): the rules of ``service_record_submit`` and ``service_record_confirm`` row by row
    (members registered here, hours, dates, at most 24 hours a day per member), then one insert and one
    audit row. A wrong row refuses the whole batch with its row number — the actor's own service too
    (nobody confirms their own, ``core.duties``)."""
    community = _community_for_staff(actor, community_id)
    member_ids = {r.member_id for r in rows}
    own = own_member_ids(actor, member_ids)
    registered = set(
        MemberRegistration.objects.filter(
            community=community, member_id__in=member_ids, status=RegistrationStatus.ACCEPTED
        ).values_list("member_id", flat=True)
    )
    units = dict(PartyMember.objects.filter(pk__in=member_ids).values_list("pk", "unit_id"))
    claims = set(
        Claim.objects.filter(
            item__community=community, member_id__in=member_ids, status__in=HOLDING
        ).values_list("pk", "member_id")
    )
    per_day: dict[tuple[int, dt.date], Decimal] = {}
    for member_id, day, total in (
        ServiceRecord.objects.filter(
            member_id__in=member_ids, status__in=(RecordStatus.PENDING, RecordStatus.CONFIRMED)
        )
        .values_list("member_id", "served_on")
        .annotate(total=Sum("hours"))
        .values_list("member_id", "served_on", "total")
    ):
        per_day[(member_id, day)] = total
    today = timezone.localdate()
    records: list[ServiceRecord] = []
    for n, row in enumerate(rows, start=1):
        amount, reason = parse_service_hours(row.hours)
        problem = ""
        if row.member_id in own:
            raise own_work_error(gettext("确认本人的服务记录"), row=n)
        if row.member_id not in registered:
            problem = "该党员未在本社区报到"
        elif amount is None:
            problem = reason
        elif row.served_on > today:
            problem = "服务日期不能晚于今天"
        elif not (row.content or "").strip():
            problem = "请填写服务内容"
        elif row.claim_id is not None and (row.claim_id, row.member_id) not in claims:
            problem = "认领不存在或不属于该党员"
        elif row.rating is not None and not 1 <= row.rating <= 5:
            problem = "群众评价应为1到5分"
        else:
            key = (row.member_id, row.served_on)
            per_day[key] = per_day.get(key, Decimal("0")) + amount
            if per_day[key] > MAX_HOURS_PER_DAY:
                problem = f"{row.served_on:%Y-%m-%d} 的服务时长合计超过24小时"
        if problem:
            raise ValidationFailed(
                gettext("第%(n)s条：%(problem)s") % {"n": n, "problem": problem},
                fields={"rows": f"第{n}条：{problem}"},
            )
        assert amount is not None
        record = ServiceRecord(
            member_id=row.member_id,
            unit_id=units.get(row.member_id),
            claim_id=row.claim_id,
            served_on=row.served_on,
            hours=amount,
            content=row.content.strip()[:500],
            beneficiaries=(row.beneficiaries or "").strip()[:200],
            status=RecordStatus.CONFIRMED,
            confirmed_by_id=actor.pk,
            rating=row.rating,
        )
        record.set_place_codes(community_code=community.code)
        records.append(record)
    ServiceRecord.objects.bulk_create(records, batch_size=500)
    audit_record(
        actor=actor,
        target=community,
        event="party.service_records_imported",
        data={"records": len(records), "hours": str(sum((r.hours for r in records), Decimal("0")))},
    )
    return len(records)
