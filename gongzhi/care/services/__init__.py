"""The care app's writes, one module per sub-domain: memberships (rosters), visits (走访 and 慰问),
grants (the need-to-know groups, reveals and register downloads)."""

from gongzhi.care.services.grants import (
    care_grant,
    care_grant_revoke,
    care_register_downloaded,
    sensitive_reveal,
)
from gongzhi.care.services.memberships import (
    EntryInput,
    membership_enter,
    membership_exit,
    memberships_bulk_enter,
)
from gongzhi.care.services.visits import (
    CareVisitInput,
    VisitInput,
    VisitRow,
    care_visit_record,
    care_visits_bulk_record,
    visit_outcome_set,
    visit_record,
    visits_bulk_record,
)

__all__ = [
    "CareVisitInput",
    "EntryInput",
    "VisitInput",
    "VisitRow",
    "care_grant",
    "care_grant_revoke",
    "care_register_downloaded",
    "care_visit_record",
    "care_visits_bulk_record",
    "membership_enter",
    "membership_exit",
    "memberships_bulk_enter",
    "sensitive_reveal",
    "visit_outcome_set",
    "visit_record",
    "visits_bulk_record",
]
