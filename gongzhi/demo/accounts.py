"""Which accounts the demo made: the audit trail says so (accounts.user_created with demo=true)."""

from __future__ import annotations

from typing import Any

from gongzhi.accounts.models import RoleAssignment
from gongzhi.audit.models import AuditEvent
from gongzhi.core import ids
from gongzhi.core.roles import Role
from gongzhi.demo.seed import DEMO_PASSWORD
from gongzhi.places.models import Community, Department, District, Grid, Household, Subdistrict

# The order a person reading the list expects: from the district down to the resident.
ROLE_ORDER = [r.value for r in Role]


def demo_logins() -> list[dict[str, Any]]:
    user_ids = [
        int(pk)
        for pk in AuditEvent.objects.filter(event_type="accounts.user_created", data__demo=True).values_list(
            "target_id", flat=True
        )
    ]
    names: dict[str, str] = {}
    for model in (District, Subdistrict, Community, Grid):
        names.update(dict(model.objects.values_list("code", "name")))
    departments = dict(Department.objects.values_list("id", "name"))
    rows = []
    assignments = (
        RoleAssignment.objects.filter(user_id__in=user_ids, active=True)
        .select_related("user")
        .order_by("user_id", "id")
    )
    seen: set[tuple[int, str]] = set()
    for ra in assignments:
        if (ra.user_id, ra.role) in seen:  # one row per account and role (a grid head heads several grids)
            continue
        seen.add((ra.user_id, ra.role))
        if ra.department_id:
            scope, label = f"department:{ra.department_id}", departments.get(ra.department_id, "")
        elif ra.household_id:
            hh = Household.objects.filter(pk=ra.household_id).first()
            scope, label = f"household:{ra.household_id}", hh.address if hh else ""
        else:
            scope, label = ra.place_code, names.get(ra.place_code, ra.place_code)
        rows.append(
            {
                "username": ra.user.username,
                "password": DEMO_PASSWORD,
                "role": ra.role,
                "role_label": str(Role(ra.role).label),
                "scope": scope,
                "scope_label": label,
                "display_name": ra.user.display_label,
                # Demo residents also sign in on /h5/ with phone + code; their (fake) phone is shown for that.
                **(
                    {"phone": ids.decrypt(ra.user.phone_encrypted)}
                    if ra.household_id and ra.user.phone_encrypted
                    else {}
                ),
            }
        )
    rows.sort(key=lambda r: (ROLE_ORDER.index(r["role"]), r["username"]))
    return rows
