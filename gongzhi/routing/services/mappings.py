"""The district's mapping table: department type → one of the district's own departments."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.core.errors import Forbidden, field_error
from gongzhi.core.permissions import require
from gongzhi.routing.models import DepartmentMapping
from gongzhi.routing.taxonomy import DEPARTMENT_TYPES

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def _refused() -> Forbidden:
    return Forbidden(gettext("只有本区的区级管理员可以维护分拨对照表"))


@transaction.atomic
def department_mapping_set(
    *, actor: Actor | None, district_code: str, department_type: str, department_id: int
) -> DepartmentMapping:
    from gongzhi.places.models import Department

    if department_type not in DEPARTMENT_TYPES:
        raise field_error("department_type", gettext("部门类型不正确"))
    probe = DepartmentMapping(district_code=district_code, department_type=department_type)
    require(actor, "routing.manage_mapping", probe, error=_refused())
    dep = Department.objects.filter(pk=department_id, district__code=district_code).first()
    if dep is None:
        raise field_error("department_id", gettext("请选择本区的职能部门"))
    row = (
        DepartmentMapping.objects.select_for_update()
        .filter(district_code=district_code, department_type=department_type)
        .first()
    )
    old = row.department_id if row else None
    if row is None:
        row = DepartmentMapping.objects.create(
            district_code=district_code, department_type=department_type, department=dep
        )
    else:
        row.department = dep
        row.save(update_fields=["department", "updated_at"])
    audit_record(
        actor=actor,
        target=row,
        event="routing.map_department",
        data={"type": department_type, "from": old, "to": dep.pk},
    )
    return row


@transaction.atomic
def department_mapping_clear(*, actor: Actor | None, mapping_id: int) -> None:
    row = DepartmentMapping.objects.select_for_update().filter(pk=mapping_id).first()
    if row is None:
        from gongzhi.core.errors import NotFound

        raise NotFound(gettext("对照记录不存在"))
    require(actor, "routing.manage_mapping", row, error=_refused())
    audit_record(
        actor=actor,
        target=row,
        event="routing.unmap_department",
        data={"type": row.department_type, "from": row.department_id},
    )
    row.delete()
