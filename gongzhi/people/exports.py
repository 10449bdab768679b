"""Downloads from the population register, each audited: the export of the persons in the caller's scope
(masked values only) and an import's error report."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.core import ids
from gongzhi.core.errors import Forbidden, NotFound, ValidationFailed
from gongzhi.core.replica import replica_reads
from gongzhi.core.roles import POPULATION_ROLES
from gongzhi.core.scope import scope_of
from gongzhi.core.sheets import in_chinese
from gongzhi.people import sheets
from gongzhi.people.enums import (
    PersonTag,
    Relation,
    ResidenceType,
)

if TYPE_CHECKING:
    from gongzhi.accounts.models import User
    from gongzhi.people.models import PopulationImport

from gongzhi.core.codes import common_place
from gongzhi.people.services import GENDER_LABEL

EXPORT_MAX_ROWS = 50_000


def _masked_query(q: str) -> str:
    q = (q or "").strip()
    if len(q) == 18 and q[:17].isdigit():
        return ids.mask_id_number(q.upper())
    if q.isdigit() and len(q) >= 7:
        return ids.mask_phone(q)
    return q


def _place_object(codes: dict[str, str]) -> Any:
    from gongzhi.places.models import Community, District, Grid, Subdistrict

    for level, model in (
        ("grid", Grid),
        ("community", Community),
        ("subdistrict", Subdistrict),
        ("district", District),
    ):
        code = codes.get(f"{level}_code")
        if code:
            return model.objects.filter(code=code).first()
    return None


_RELATION_LABEL = dict(Relation.choices)
_RESIDENCE_LABEL = dict(ResidenceType.choices)
_TAG_LABEL = dict(PersonTag.choices)


def _export_row(values: tuple[Any, ...]) -> tuple[Any, ...]:
    grid, address, name, gender, birth, relation, residence, tags, id_masked, phone_masked = values
    return (
        grid,
        address or "",
        name,
        str(GENDER_LABEL.get(gender, "")),
        birth.isoformat() if birth else "",
        str(_RELATION_LABEL.get(relation, relation)),
        str(_RESIDENCE_LABEL.get(residence, residence)),
        "、".join(str(_TAG_LABEL.get(t, t)) for t in (tags or [])),
        id_masked,
        phone_masked,
    )


@replica_reads
@in_chinese
def persons_export(
    *,
    actor: User,
    q: str = "",
    grid_code: str = "",
    community_code: str = "",
    household_id: int | None = None,
    tag: str = "",
) -> tuple[bytes, int]:
    """The persons in the actor's scope that match the filters, as xlsx with masked values; audited."""
    from gongzhi.people import selectors
    from gongzhi.places import selectors as place_selectors

    scope = scope_of(actor)
    if not (scope.superuser or scope.roles & POPULATION_ROLES):
        raise Forbidden(gettext("您没有导出人员名单的权限"))
    # A filter naming a place outside the scope is answered like a missing one.
    target: Any = None
    if household_id:
        target = place_selectors.household_get_for_actor(actor=actor, household_id=household_id)
    elif grid_code:
        target = place_selectors.grid_get_for_actor(actor=actor, code=grid_code)
    elif community_code:
        target = place_selectors.community_list_for_actor(actor=actor).filter(code=community_code).first()
        if target is None:
            raise NotFound()
    else:
        codes = scope.codes(POPULATION_ROLES)
        target = _place_object(common_place({c for level in codes.values() for c in level}))
    qs = selectors.person_list_for_actor(
        actor=actor,
        q=q,
        grid_code=grid_code,
        community_code=community_code,
        household_id=household_id,
        tag=tag,
    )
    count = qs.count()
    if count > EXPORT_MAX_ROWS:
        raise ValidationFailed(
            gettext(
                "符合条件的人员共%(count)s人，超过单次导出上限%(EXPORT_MAX_ROWS)s人，请按社区或网格筛选后分批导出"
            )
            % {"count": count, "EXPORT_MAX_ROWS": EXPORT_MAX_ROWS}
        )
    columns = (
        "grid_code",
        "household__address",
        "name",
        "gender",
        "birth_date",
        "relation",
        "residence_type",
        "tags",
        "id_number_masked",
        "phone_masked",
    )
    rows = (_export_row(values) for values in qs.values_list(*columns).iterator(chunk_size=2000))
    content = sheets.persons_workbook(rows)
    filters = {
        "q": _masked_query(q),
        "grid_code": grid_code,
        "community_code": community_code,
        "household_id": household_id,
        "tag": tag,
    }
    _persons_export_record(actor=actor, target=target or actor, filters=filters, count=count)
    return content, count


def population_import_report(*, actor: User, record: PopulationImport) -> bytes:
    """The error report of an import the actor read through ``population_import_get_for_actor`` (the
    bad rows as typed, ID and phone masked); the download audited (``people.import_report_downloaded``)."""
    content = sheets.error_report_workbook(
        errors=record.errors, headers=record.headers, rows=record.error_rows
    )
    _import_report_record(actor=actor, record=record)
    return content


@transaction.atomic
def _import_report_record(*, actor: User, record: PopulationImport) -> None:
    audit_record(
        actor=actor,
        target=record,
        event="people.import_report_downloaded",
        data={"document": "人口导入错误报告", "file": record.file_name, "rows": len(record.errors or [])},
    )


@transaction.atomic
def _persons_export_record(*, actor: User, target: Any, filters: dict[str, Any], count: int) -> None:
    audit_record(
        actor=actor,
        target=target,
        event="people.persons_exported",
        data={"filters": {k: v for k, v in filters.items() if v}, "count": count},
    )


# --- in the background (gongzhi.jobs): an export of more rows than JOBS_EXPORT_SYNC_ROWS -----------

EXPORT_JOB_KIND = "people.export"


def persons_export_count(*, actor: User, **filters: Any) -> int:
    from gongzhi.people import selectors

    return selectors.person_list_for_actor(actor=actor, **filters).count()


def persons_export_enqueue(*, actor: User, count: int, **filters: Any) -> Any:
    """The same export as a background job: its xlsx is the job's result file, kept JOBS_RESULT_DAYS and
    downloadable only by the person who asked for it (an audit row on each download)."""
    from gongzhi.jobs.services import job_start

    scope = scope_of(actor)
    if not (scope.superuser or scope.roles & POPULATION_ROLES):
        raise Forbidden(gettext("您没有导出人员名单的权限"))
    return job_start(
        actor=actor,
        kind=EXPORT_JOB_KIND,
        label=f"导出实有人口名单（{count} 人）",
        params={k: v for k, v in filters.items() if v not in (None, "")},
        rows_total=count,
    )


def persons_export_job(ctx: Any) -> dict[str, Any]:
    from django.utils import timezone

    from gongzhi.people.sheets import XLSX_CONTENT_TYPE

    ctx.progress(0, None, phase="reading", force=True)
    content, count = persons_export(actor=ctx.actor, **ctx.params)
    ctx.result_file(f"实有人口_{timezone.localdate():%Y%m%d}.xlsx", content, XLSX_CONTENT_TYPE)
    return {"message": f"已导出 {count} 人（个人信息已脱敏），请下载结果文件", "rows": count}
