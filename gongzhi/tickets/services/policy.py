"""A district's ticket settings (工单办理设置) and the separation of duties they switch.

``separate_duties`` is on unless the district admin switched it off. While it is on, whoever reported or handled a
ticket does not verify it and whoever handled it does not call back about it nor reveal its reporter's
number for the callback (403 ``own_work``, ``core.duties``). The services, the action list and the
reveal ask ``selectors.policy.duties_separated``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.core.errors import Forbidden, NotFound, field_error
from gongzhi.core.permissions import allowed
from gongzhi.places.models import District
from gongzhi.tickets.models import TicketPolicy

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def clean_switch(value: Any) -> bool:
    """The form's or the API's on/off: a boolean, or "on"/"off" ("true"/"false", "1"/"0"); required."""
    if isinstance(value, bool):
        return value
    text = str(value if value is not None else "").strip().lower()
    if text in ("on", "true", "1"):
        return True
    if text in ("off", "false", "0"):
        return False
    raise field_error("separate_duties", gettext("请选择是否启用办理与核查、回访分离"), code="required")


@transaction.atomic
def ticket_policy_set(*, actor: Actor | None, district_code: str, separate_duties: Any) -> TicketPolicy:
    """The district admin sets the district's ticket settings; one audit row with the old and new value."""
    code = str(district_code or "").strip()
    # a district code is digits: anything else (a NUL byte PostgreSQL refuses, a long string) names none
    district = District.objects.filter(code=code).first() if code.isdigit() and len(code) <= 12 else None
    if district is None:
        raise NotFound(gettext("区县不存在"))
    policy = TicketPolicy.objects.select_for_update().filter(district_code=district.code).first()
    probe = policy or TicketPolicy(district_code=district.code)
    if not allowed(actor, "tickets.set_policy", probe):
        raise Forbidden(gettext("只有本区的区级管理员可以修改工单办理设置"))
    new = clean_switch(separate_duties)
    old = probe.separate_duties
    probe.separate_duties = new
    probe.updated_by = actor if getattr(actor, "pk", None) else None  # type: ignore[assignment]
    probe.save()
    audit_record(
        actor=actor,
        target=district,
        event="tickets.policy_set",
        data={"separate_duties": {"old": old, "new": new}},
    )
    return probe
