"""Imports of the street office's registers: 驻区单位 and 在职党员 from xlsx, each a plain function taking
the file and returning the kept ``RegisterImport`` (so a view, the API or a background task call the same).

Every row is checked (the sheet's cells here, the party rules in ``party.services.upserts``); one bad row
and nothing is written, the record keeps the errors (row, column, Chinese reason) for the error report.
The same file imported again finds every row unchanged. ``dry_run`` checks and counts, writes nothing."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.core.codes import common_place
from gongzhi.core.errors import Forbidden, NotFound
from gongzhi.core.permissions import allowed
from gongzhi.core.roles import COMMUNITY_MANAGERS
from gongzhi.core.scope import scope_of
from gongzhi.party.services import upserts
from gongzhi.registers import sheets
from gongzhi.registers.enums import ImportKind, ImportStatus
from gongzhi.registers.models import RegisterImport

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

MAX_REPORTED_ERRORS = 10_000
EXAMPLE_ROW = "这是导入模板中的示例行，请删除后再导入"


def _require_importer(actor: Actor | None) -> dict[str, str]:
    if actor is not None and not allowed(actor, "registers.import_register"):
        raise Forbidden(gettext("您的角色不能导入台账（须为社区工作人员或区级管理员）"))
    if actor is None or actor.is_superuser:
        return {}
    return common_place({code for role, _level, code in scope_of(actor).places if role in COMMUNITY_MANAGERS})


def _unit_rows(rows: list[sheets.Row]) -> tuple[list[Any], list[tuple[int, str, str]]]:
    out, errors = [], []
    for i, r in enumerate(rows):
        kind_text = r.get("单位类型").replace(" ", "")
        if (
            r.get("统一社会信用代码") == sheets.UNITS.example["统一社会信用代码"]
            and r.get("单位名称") == sheets.UNITS.example["单位名称"]
        ):
            errors.append((i, "uscc", EXAMPLE_ROW))
        out.append(
            upserts.UnitRow(
                community_code=r.get("社区编码").replace(" ", ""),
                name=r.get("单位名称"),
                uscc=r.get("统一社会信用代码"),
                kind=sheets.UNIT_KIND_LABELS.get(kind_text, kind_text),
                address=r.get("地址"),
                party_org_name=r.get("单位党组织"),
                paired_grid_code=r.get("联系网格编码").replace(" ", ""),
            )
        )
    return out, errors


def _member_rows(rows: list[sheets.Row]) -> tuple[list[Any], list[tuple[int, str, str]]]:
    out, errors = [], []
    for i, r in enumerate(rows):
        skills: list[str] = []
        unknown: list[str] = []
        for label in sheets.split(r.get("特长")):
            value = sheets.SKILL_LABELS.get(label)
            (skills if value else unknown).append(value or label[:20])
        if unknown:
            errors.append(
                (i, "skills", f"未知的特长：{'、'.join(unknown)}；可填：{'、'.join(sheets.SKILL_LABELS)}")
            )
        if (
            r.get("手机号码") == sheets.MEMBERS.example["手机号码"]
            and r.get("姓名") == sheets.MEMBERS.example["姓名"]
        ):
            errors.append((i, "phone", EXAMPLE_ROW))
        classification = r.get("服务分类").replace(" ", "")
        out.append(
            upserts.MemberRow(
                grid_code=r.get("网格编码").replace(" ", ""),
                name=r.get("姓名"),
                phone=r.get("手机号码"),
                address=r.get("居住地址"),
                unit_uscc=r.get("工作单位统一社会信用代码").replace(" ", "").upper(),
                workplace_org=r.get("组织关系所在党组织"),
                skills=skills,
                classification=sheets.SKILL_LABELS.get(classification, classification),
                services_offered=r.get("可提供的服务"),
                available_times=r.get("服务时间"),
            )
        )
    return out, errors


def register_import(
    *, actor: Actor | None, kind: str, file_name: str, content: bytes, dry_run: bool = False
) -> RegisterImport:
    """Imports the register ``kind`` (units or members) from an xlsx upload (see the module)."""
    fmt = sheets.FORMATS.get(kind)  # type: ignore[call-overload]
    if fmt is None:
        raise NotFound(gettext("没有这种台账"))
    place = _require_importer(actor)
    rows = sheets.read_rows(fmt, file_name, content)
    inputs, sheet_errors = (_unit_rows if kind == ImportKind.UNITS else _member_rows)(rows)
    return _run(
        actor=actor,
        fmt=fmt,
        file_name=(file_name or "")[-255:],
        sha256=hashlib.sha256(content).hexdigest(),
        place=place,
        rows=rows,
        inputs=inputs,
        sheet_errors=sheet_errors,
        dry_run=dry_run,
    )


@transaction.atomic
def _run(
    *,
    actor: Actor | None,
    fmt: sheets.Format,
    file_name: str,
    sha256: str,
    place: dict[str, str],
    rows: list[sheets.Row],
    inputs: list[Any],
    sheet_errors: list[tuple[int, str, str]],
    dry_run: bool,
) -> RegisterImport:
    upsert = upserts.units_upsert if fmt.kind == ImportKind.UNITS else upserts.in_service_members_upsert
    # With errors from the cells, the party rules still run (all errors in one report) but write nothing.
    outcome = upsert(actor=actor, rows=inputs, dry_run=dry_run or bool(sheet_errors))
    record = RegisterImport(
        kind=fmt.kind,
        actor=actor if actor is not None and actor.pk else None,  # type: ignore[misc]
        file_name=file_name,
        sha256=sha256,
        dry_run=dry_run,
        rows=len(rows),
        **place,
    )
    order = {h: i for i, h in enumerate(fmt.headers)}
    errors = sorted(
        {
            (rows[i].number, fmt.fields.get(name, fmt.headers[0]), message)
            for i, name, message in [*sheet_errors, *outcome.errors]
        },
        key=lambda e: (e[0], order.get(e[1], 99), e[2]),
    )
    if errors:
        reported = errors[:MAX_REPORTED_ERRORS]
        bad = {n for n, _c, _m in reported}
        record.status = ImportStatus.REJECTED
        record.error_count = len(errors)
        record.errors = [{"row": n, "column": c, "message": m} for n, c, m in reported]
        record.error_rows = {str(r.number): r.raw(fmt) for r in rows if r.number in bad}
        record.save()
        return record
    record.created, record.updated, record.unchanged = outcome.created, outcome.updated, outcome.unchanged
    record.status = ImportStatus.CHECKED if dry_run else ImportStatus.APPLIED
    record.save()
    if not dry_run:
        audit_record(
            actor=actor,
            target=record,
            event="registers.import_applied",
            data={
                "kind": fmt.kind,
                "file_name": file_name,
                "sha256": sha256,
                "rows": record.rows,
                "created": record.created,
                "updated": record.updated,
                "unchanged": record.unchanged,
            },
        )
    return record


def import_report(*, actor: Actor, record: RegisterImport) -> bytes:
    """The error report of an import the actor may read, as xlsx (rows as typed, phones masked); audited."""
    from gongzhi.registers.services import downloads

    content = sheets.error_report(sheets.FORMATS[record.kind], record.errors, record.error_rows)  # type: ignore[index]
    downloads.import_report_downloaded(actor=actor, record=record)
    return content
