"""A district's ticket settings (工单办理设置, ``TicketPolicy``) as the services and pages read them."""

from __future__ import annotations

from gongzhi.tickets.models import TicketPolicy


def duties_separated(district_code: str) -> bool:
    """Whether the district keeps handling apart from verification and the callback: on unless its
    district admin switched it off (``services/policy.py``)."""
    value = (
        TicketPolicy.objects.filter(district_code=district_code)
        .values_list("separate_duties", flat=True)
        .first()
    )
    return True if value is None else bool(value)


def ticket_policy_of(district_code: str) -> TicketPolicy:
    """The district's settings as stored, or the defaults (unsaved) when it has never set them."""
    return TicketPolicy.objects.filter(district_code=district_code).first() or TicketPolicy(
        district_code=district_code
    )
