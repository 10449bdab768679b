"""Import of community-managed party members (自管党员) from xlsx or csv, on the population import's
machinery (``core.sheets``: bounded reading in a child process, header mapping, template, error report).

Each row names a resident already in the population register (by ID number, the name must match); the
member is placed where that resident lives. Every row is checked first; any error and nothing is written
(the ``MemberImport`` keeps row · column · Chinese reason and the rows, ID and phone masked, for the error
report); a dry run checks only. Re-importing the same file finds every member unchanged. One audit row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Q

from gongzhi.audit.services import audit_record
from gongzhi.core import ids, sheets
from gongzhi.core.codes import common_place
from gongzhi.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from gongzhi.core.roles import COMMUNITY_MANAGERS
from gongzhi.core.scope import scope_of
from gongzhi.core.sheets import in_chinese, max_file_bytes, max_rows
from gongzhi.party.enums import MemberKind, MemberStatus
from gongzhi.party.models import MemberImport, PartyMember, PartyOrganization
from gongzhi.people.enums import ImportStatus
from gongzhi.people.models import Person

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

SHEET = "自管党员"
ID_NUMBER, NAME, JOINED, ORG, HUB = "身份证号码", "姓名", "入党日期", "所在党组织", "党员中心户"
HEADERS: tuple[str, ...] = (ID_NUMBER, NAME, JOINED, ORG, HUB)
REQUIRED: tuple[str, ...] = (ID_NUMBER, NAME)
ALIASES = {"身份证号": ID_NUMBER, "公民身份号码": ID_NUMBER, "党组织": ORG, "所在支部": ORG, "中心户": HUB}
WIDTHS = {ID_NUMBER: 22, NAME: 10, JOINED: 12, ORG: 30, HUB: 10}
MASKS = {ID_NUMBER: sheets.keep_ends(4, 4)}
EXAMPLE_ID = "370102199003071238"
MAX_REPORTED_ERRORS = 10_000
_YES, _NO = {"是", "Y", "y", "1", "√", "✓"}, {"否", "N", "n", "0", ""}
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


@dataclass
class _Row:
    number: int
    values: dict[str, str]
    errors: list[tuple[str, str]] = field(default_factory=list)
    id_hash: str = ""
    joined: dt.date | None = None
    hub: bool | None = None

    def get(self, header: str) -> str:
        return self.values.get(header, "")


def _header(value: object) -> str:
    text = re.sub(r"[\s*＊]", "", sheets.cell_text(value))
    return ALIASES.get(text, text)


def _parse_date(text: str) -> dt.date | None:
    m = _DATE.match(text.strip())
    if not m:
        return None
    try:
        return dt.date(*(int(x) for x in m.groups()))
    except ValueError:
        return None


def read_rows(file_name: str, content: bytes) -> list[_Row]:
    kind = sheets.check_upload(
        file_name, len(content), accepted=".xlsx 或 .csv 格式的党员名册", save_as=".xlsx"
    )
    records = sheets.read_upload(
        content,
        kind,
        sheet=SHEET,
        ignore=(sheets.HELP_SHEET,),
        what="党员名册",
        unreadable=lambda _line: ValidationFailed(
            "文件无法读取，可能已损坏或只是改了扩展名", fields={"file": "文件无法读取"}
        ),
        label="party member import",
        csv_encoding="utf-8-sig",
        csv_errors="replace",
    )
    columns = sheets.map_headers(
        next(records, ()) or (),
        known=HEADERS,
        required=REQUIRED,
        normalise=_header,
        template_hint="请使用党员导入模板",
        max_columns=40,
    )
    out = []
    for number, cells in sheets.scan_rows(records, columns):
        row = _Row(number=number, values={})
        for header, value in cells.items():
            if header == ID_NUMBER and isinstance(value, float):
                row.errors.append(
                    (ID_NUMBER, "身份证号码被Excel存成了数字，末几位已丢失；请将该列设为“文本”格式")
                )
            if header == JOINED and isinstance(value, dt.datetime | dt.date):
                row.joined = value.date() if isinstance(value, dt.datetime) else value
            row.values[header] = sheets.cell_text(value).strip()
        out.append(row)
    return out


def _check_row(row: _Row) -> None:
    id_text = row.get(ID_NUMBER)
    if not id_text:
        row.errors.append((ID_NUMBER, "请填写身份证号码"))
    elif id_text.upper() == EXAMPLE_ID:
        row.errors.append((ID_NUMBER, "这是导入模板中的示例行，请删除后再导入"))
    elif not any(c == ID_NUMBER for c, _ in row.errors):
        try:
            row.id_hash = ids.keyed_hash(ids.normalise_id_number(id_text))
        except ValidationFailed as exc:
            row.errors.append((ID_NUMBER, exc.message))
    if not row.get(NAME):
        row.errors.append((NAME, "请填写姓名"))
    joined_text = row.get(JOINED)
    if joined_text and row.joined is None:
        row.joined = _parse_date(joined_text)
        if row.joined is None:
            row.errors.append((JOINED, f"入党日期“{joined_text[:20]}”格式不正确，应如 1998-07-01"))
    if row.joined is not None and not (dt.date(1921, 7, 1) <= row.joined <= dt.date.today()):
        row.errors.append((JOINED, "入党日期不正确"))
    hub = row.get(HUB)
    if hub in _YES:
        row.hub = True
    elif hub in _NO:
        row.hub = False if hub else None
    else:
        row.errors.append((HUB, f"党员中心户“{hub[:10]}”无效，应填“是”或“否”"))


def _scope_codes(actor: Actor | None) -> list[str]:
    if actor is None or getattr(actor, "is_superuser", False):
        return []
    codes = scope_of(actor).codes(COMMUNITY_MANAGERS)
    flat = sorted(c for level in codes.values() for c in level)
    if not flat:
        raise Forbidden("您的角色不能导入党员名册")
    return flat


@in_chinese
def member_import(
    *, actor: Actor | None, file_name: str, content: bytes, dry_run: bool = False
) -> MemberImport:
    """Imports the members of a file: all rows valid and applied, or none (``MemberImport`` rejected with
    the errors); a dry run only checks. A file that cannot be read raises ``ValidationFailed``."""
    scope_codes = _scope_codes(actor)
    rows = read_rows(file_name, content)
    if not rows:
        raise ValidationFailed(
            "文件中没有数据行（第1行是列名，数据从第2行开始）", fields={"file": "没有数据"}
        )
    for r in rows:
        _check_row(r)
    return _run(
        actor=actor,
        file_name=(file_name or "")[-255:],
        sha256=hashlib.sha256(content).hexdigest(),
        scope_codes=scope_codes,
        rows=rows,
        dry_run=dry_run,
    )


@transaction.atomic
def _run(
    *,
    actor: Actor | None,
    file_name: str,
    sha256: str,
    scope_codes: list[str],
    rows: list[_Row],
    dry_run: bool,
) -> MemberImport:
    scope_q = Q() if not scope_codes else scope_of(actor).place_q(COMMUNITY_MANAGERS)
    hashes = sorted({r.id_hash for r in rows if r.id_hash})
    persons: dict[str, Person] = {}
    for start in range(0, len(hashes), 2000):
        for p in Person.objects.filter(scope_q, id_number_hash__in=hashes[start : start + 2000]).exclude(
            id_number_hash=""
        ):
            persons[p.id_number_hash] = p
    members = {
        m.person_id: m
        for m in PartyMember.objects.filter(
            person_id__in=[p.pk for p in persons.values()], kind=MemberKind.COMMUNITY_MANAGED
        )
    }
    orgs: dict[tuple[str, str], int] = {}
    communities = sorted({p.community_code for p in persons.values()})
    for code, name, pk in PartyOrganization.objects.filter(
        community_code__in=communities, active=True
    ).values_list("community_code", "name", "id"):
        orgs.setdefault((code, name), pk)
    seen: dict[str, int] = {}
    creates: list[tuple[_Row, Person, int | None]] = []
    updates: list[tuple[PartyMember, dict[str, Any]]] = []
    unchanged = 0
    for r in rows:
        if r.errors:
            continue
        if r.id_hash in seen:
            r.errors.append((ID_NUMBER, f"身份证号码与第{seen[r.id_hash]}行重复"))
            continue
        seen[r.id_hash] = r.number
        person = persons.get(r.id_hash)
        if person is None:
            r.errors.append(
                (ID_NUMBER, "实有人口中没有该身份证号码，或该居民不在您的管辖范围内；请先登记居民")
            )
            continue
        if person.name != r.get(NAME):
            r.errors.append((NAME, f"姓名与实有人口登记的“{person.name}”不一致"))
            continue
        if not person.grid_code:
            r.errors.append((ID_NUMBER, "该居民尚未登记居住网格"))
            continue
        org_id = None
        if r.get(ORG):
            org_id = orgs.get((person.community_code, r.get(ORG)))
            if org_id is None:
                r.errors.append((ORG, f"居民所在社区没有名为“{r.get(ORG)[:30]}”的党组织"))
                continue
        member = members.get(person.pk)
        if member is None:
            creates.append((r, person, org_id))
            continue
        if member.status != MemberStatus.ACTIVE:
            r.errors.append(
                (ID_NUMBER, f"该党员曾在册（{member.get_status_display()}），请通过组织关系转入重新登记")
            )
            continue
        changes: dict[str, Any] = {}
        if org_id is not None and member.organization_id != org_id:
            changes["organization_id"] = org_id
        if r.joined is not None and member.joined_on != r.joined:
            changes["joined_on"] = r.joined
        if r.hub is not None and member.hub_household != r.hub:
            changes["hub_household"] = r.hub
        if changes:
            updates.append((member, changes))
        else:
            unchanged += 1
    record = MemberImport(
        actor_id=actor.pk if actor is not None else None,
        file_name=file_name,
        sha256=sha256,
        dry_run=dry_run,
        rows=len(rows),
        scope_codes=scope_codes,
        **common_place(scope_codes),
    )
    order = {h: i for i, h in enumerate(HEADERS)}
    errors = sorted(
        ((r.number, c, m) for r in rows for c, m in r.errors), key=lambda e: (e[0], order.get(e[1], 99))
    )
    if errors:
        reported = errors[:MAX_REPORTED_ERRORS]
        bad = {n for n, _c, _m in reported}
        record.status = ImportStatus.REJECTED
        record.error_count = len(errors)
        record.errors = [{"row": n, "column": c, "message": m} for n, c, m in reported]
        record.error_rows = {
            str(r.number): [sheets.mask_raw(h, r.get(h), MASKS) for h in HEADERS]
            for r in rows
            if r.number in bad
        }
        record.save()
        return record
    record.created, record.updated, record.unchanged = len(creates), len(updates), unchanged
    if dry_run:
        record.status = ImportStatus.CHECKED
        record.save()
        return record
    record.status = ImportStatus.APPLIED
    try:
        with transaction.atomic():
            new = []
            for r, person, org_id in creates:
                m = PartyMember(
                    kind=MemberKind.COMMUNITY_MANAGED,
                    person=person,
                    name=person.name,
                    organization_id=org_id,
                    joined_on=r.joined,
                    hub_household=bool(r.hub),
                    phone_encrypted=person.phone_encrypted,
                    phone_hash=person.phone_hash,
                    phone_masked=person.phone_masked,
                )
                m.set_place_codes(grid_code=person.grid_code)
                new.append(m)
            PartyMember.objects.bulk_create(new, batch_size=500)
            for member, changes in updates:
                for k, v in changes.items():
                    setattr(member, k, v)
            if updates:
                PartyMember.objects.bulk_update(
                    [m for m, _c in updates], ["organization", "joined_on", "hub_household"], batch_size=500
                )
    except IntegrityError as exc:
        raise Conflict("导入期间数据已被他人修改，请重新导入", code="conflict") from exc
    record.save()
    if creates or updates:
        audit_record(
            actor=actor,
            target=record,
            event="party.member_import_applied",
            data={
                "file_name": file_name,
                "sha256": sha256,
                "rows": record.rows,
                "created": record.created,
                "updated": record.updated,
                "unchanged": record.unchanged,
            },
        )
    return record


def import_get_for_actor(*, actor: Actor | None, import_id: int) -> MemberImport:
    """An import the actor made, or one whose place their community-managing scope covers."""
    qs = MemberImport.objects.filter(pk=import_id)
    scope = scope_of(actor)
    if actor is not None and not scope.superuser:
        qs = qs.filter(Q(actor_id=actor.pk) | scope.place_q(COMMUNITY_MANAGERS))
    record = qs.first()
    if record is None:
        raise NotFound("导入记录不存在或无权查看")
    return record


@in_chinese
def template_workbook() -> bytes:
    notes = {
        ID_NUMBER: (
            "必填",
            "18位居民身份证号码，须已登记在实有人口中（党员所在网格按其住户确定）；请保持“文本”格式",
        ),
        NAME: ("必填", "须与实有人口登记的姓名一致"),
        JOINED: ("选填", "如 1998-07-01"),
        ORG: ("选填", "居民所在社区的党组织全称；留空则在应用网格党支部设置时按居住网格编入"),
        HUB: ("选填", "是 / 否"),
    }
    wb = sheets.template_workbook(
        sheet=SHEET,
        headers=HEADERS,
        widths=WIDTHS,
        default_width=12,
        example=[EXAMPLE_ID, "张三", "1998-07-01", "", "否"],
        text_columns=(ID_NUMBER, NAME, JOINED),
        help_rows=[(h, *notes[h]) for h in HEADERS],
        footer=(
            "1. 第2行是示例，导入前请删除。每行一名党员，第1行列名不要修改。",
            f"2. 单个文件最多{max_rows()}行、{max_file_bytes() // 1024 // 1024}MB。",
            "3. 导入前逐行校验，只要有一行有错就不会写入任何数据；可下载错误报告，按行号修改后重新导入。",
            "4. 已在册的党员按身份证号码匹配，有变化的项会被更新；同一文件重复导入不会产生重复数据。可先选择“仅校验”。",
            "5. 从其他党组织转入的党员请办理组织关系转接，不要用本模板导入。",
        ),
        marked_required=REQUIRED,
    )
    return sheets.save(wb)


@in_chinese
def error_report_workbook(record: MemberImport) -> bytes:
    return sheets.error_report_workbook(
        errors=record.errors, headers=HEADERS, rows=record.error_rows, widths=WIDTHS, default_width=12
    )
