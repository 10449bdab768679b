"""Population import from xlsx or csv: every row validated, all-or-nothing, idempotent, one audit row."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.core import ids, pinyin
from gongzhi.core.codes import common_place
from gongzhi.core.errors import Conflict, Forbidden, ValidationFailed
from gongzhi.core.roles import POPULATION_EDITORS
from gongzhi.core.scope import scope_of
from gongzhi.core.sheets import in_chinese
from gongzhi.people import sheets
from gongzhi.people.enums import (
    RELATION_BY_LABEL,
    RESIDENCE_BY_LABEL,
    TAG_BY_LABEL,
    ImportStatus,
    PersonTag,
    Relation,
    ResidenceType,
)
from gongzhi.people.models import Person, PopulationImport
from gongzhi.people.services import CleanPerson, PersonInput, build_person, clean_person
from gongzhi.places.models import Household

if TYPE_CHECKING:
    from gongzhi.accounts.models import User
    from gongzhi.jobs.models import Job
    from gongzhi.jobs.tasks import JobContext

_RELATIONS = frozenset(Relation.values)
_RESIDENCE_TYPES = frozenset(ResidenceType.values)
_TAGS = frozenset(PersonTag.values)

_COLUMN_OF_FIELD = {
    "name": sheets.NAME,
    "id_number": sheets.ID_NUMBER,
    "phone": sheets.PHONE,
    "relation": sheets.RELATION,
    "residence_type": sheets.RESIDENCE,
    "tags": sheets.TAGS,
}
_QUOTED = re.compile(r"“[^”]*”")
_GRID_CODE = re.compile(r"^\d{15}$")
# Stored and answered errors are capped; error_count keeps the real number.
MAX_REPORTED_ERRORS = 10_000
# What the matching needs of an existing person; every field an update writes is set before saving.
_MATCH_FIELDS = (
    "id",
    "household_id",
    "grid_code",
    "name",
    "relation",
    "residence_type",
    "tags",
    "id_number_hash",
    "phone_hash",
)


def _lookup(text: str, by_label: dict[str, str], values: frozenset[str]) -> str | None:
    key = text.replace("(", "（").replace(")", "）").replace(" ", "")
    if key in by_label:
        return str(by_label[key])
    return key if key in values else None


@dataclass
class _ImportRow:
    sheet: sheets.SheetRow
    grid_code: str = ""
    estate: str = ""
    building: str = ""
    entrance: str = ""
    door: str = ""
    key: str = ""
    clean: CleanPerson | None = None
    id_hash: str = ""
    phone_hash: str = ""
    residence_given: bool = False
    tags_given: bool = False
    errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def number(self) -> int:
        return self.sheet.number


def _prepare_row(row: sheets.SheetRow, headers: set[str]) -> _ImportRow:
    """Everything that can be checked from the row alone (no database): CPU only, outside the transaction."""
    from gongzhi.places.services import address_key, compose_address

    out = _ImportRow(sheet=row, errors=list(row.problems))
    flagged = {column for column, _ in out.errors}
    out.grid_code = row.get(sheets.GRID).replace(" ", "")
    if not out.grid_code:
        out.errors.append((sheets.GRID, "请填写网格编码"))
    elif not _GRID_CODE.match(out.grid_code):
        out.errors.append((sheets.GRID, f"网格编码应为15位数字，收到“{out.grid_code[:30]}”"))
    out.estate, out.building = row.get(sheets.ESTATE), row.get(sheets.BUILDING)
    out.entrance, out.door = row.get(sheets.ENTRANCE), row.get(sheets.DOOR)
    if not out.door and sheets.DOOR not in flagged:
        out.errors.append((sheets.DOOR, "请填写门牌号"))
    for header, value, limit in (
        (sheets.ESTATE, out.estate, 100),
        (sheets.BUILDING, out.building, 30),
        (sheets.ENTRANCE, out.entrance, 10),
        (sheets.DOOR, out.door, 30),
    ):
        if len(value) > limit:
            out.errors.append((header, f"{header}不能超过{limit}个字"))
    if len(compose_address(out.estate, out.building, out.entrance, out.door)) > 200:
        out.errors.append((sheets.DOOR, "住址（小区+楼栋+单元+门牌号）不能超过200个字"))
    out.key = address_key(out.estate, out.building, out.entrance, out.door)

    relation_text = row.get(sheets.RELATION)
    relation = _lookup(relation_text, RELATION_BY_LABEL, _RELATIONS) if relation_text else None
    if not relation_text:
        out.errors.append((sheets.RELATION, "请填写与户主关系"))
    elif relation is None:
        allowed = "、".join(str(label) for label in Relation.labels)
        out.errors.append((sheets.RELATION, f"与户主关系“{relation_text[:20]}”无效，应为：{allowed}"))
    residence_text = row.get(sheets.RESIDENCE)
    out.residence_given = bool(residence_text)
    residence = (
        _lookup(residence_text, RESIDENCE_BY_LABEL, _RESIDENCE_TYPES)
        if residence_text
        else ResidenceType.REGISTERED
    )
    if residence is None:
        allowed = "、".join(str(label) for label in ResidenceType.labels)
        out.errors.append((sheets.RESIDENCE, f"居住类型“{residence_text[:20]}”无效，应为：{allowed}"))
    out.tags_given = sheets.TAGS in headers
    tags: list[str] = []
    unknown: list[str] = []
    for label in sheets.split_tags(row.get(sheets.TAGS)):
        tag = TAG_BY_LABEL.get(label) or (label if label in _TAGS else None)
        if tag is None:
            unknown.append(label[:20])
        else:
            tags.append(tag)
    if unknown:
        allowed = "、".join(str(label) for label in PersonTag.labels)
        out.errors.append((sheets.TAGS, f"未知标签：{'、'.join(unknown)}；可用标签：{allowed}"))

    id_text = "" if sheets.ID_NUMBER in flagged else row.get(sheets.ID_NUMBER)
    if id_text.upper() == sheets.EXAMPLE_ID_NUMBER:
        out.errors.append((sheets.ID_NUMBER, "这是导入模板中的示例行，请删除后再导入"))
        id_text = ""
    data = PersonInput(
        name=row.get(sheets.NAME),
        id_number=id_text,
        phone=row.get(sheets.PHONE),
        relation=relation or Relation.OTHER,
        residence_type=residence or ResidenceType.REGISTERED,
        tags=tags,
    )
    try:
        out.clean = clean_person(data)
    except ValidationFailed as exc:
        for field_name, message in exc.fields.items():
            if field_name in ("relation", "residence_type", "tags"):
                continue  # reported above with the label the user typed
            column = _COLUMN_OF_FIELD.get(field_name, sheets.NAME)
            # The phone message quotes the number; the stored report must not keep it in clear.
            out.errors.append((column, _QUOTED.sub("", message) if column == sheets.PHONE else message))
        if id_text and "id_number" not in exc.fields:
            out.id_hash = ids.keyed_hash(ids.normalise_id_number(id_text))
    if out.clean is not None:
        if out.clean.id_number:
            out.id_hash = ids.keyed_hash(out.clean.id_number)
        if out.clean.phone:
            out.phone_hash = ids.keyed_hash(out.clean.phone)
    return out


@dataclass
class _ImportPlan:
    grids: dict[str, Any]
    new_households: dict[tuple[int, str], Household] = field(default_factory=dict)
    new_household_rows: dict[tuple[int, str], _ImportRow] = field(default_factory=dict)
    existing_households: dict[tuple[int, str], Household] = field(default_factory=dict)
    creates: list[tuple[_ImportRow, tuple[int, str]]] = field(default_factory=list)
    updates: list[tuple[Person, _ImportRow, dict[str, Any]]] = field(default_factory=list)
    unchanged: int = 0


def _chunks(items: list[str], size: int = 2000):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _person_changes(person: Person, row: _ImportRow) -> dict[str, Any]:
    clean = row.clean
    assert clean is not None
    changes: dict[str, Any] = {}
    if person.name != clean.name:
        changes["name"] = clean.name
    if person.relation != clean.relation:
        changes["relation"] = clean.relation
    if row.residence_given and person.residence_type != clean.residence_type:
        changes["residence_type"] = clean.residence_type
    if row.tags_given and sorted(person.tags or []) != clean.tags:
        changes["tags"] = clean.tags
    if row.id_hash and person.id_number_hash != row.id_hash:
        changes["id_number"] = clean.id_number
    if row.phone_hash and person.phone_hash != row.phone_hash:
        changes["phone"] = clean.phone
    return changes


def _plan_import(actor: User | None, rows: list[_ImportRow]) -> _ImportPlan:
    """Reads what the file refers to in a handful of queries and decides, row by row, what to do."""
    from gongzhi.places.models import Grid

    scope = scope_of(actor) if actor is not None else None
    unrestricted = actor is None or actor.is_superuser
    codes = sorted({r.grid_code for r in rows if _GRID_CODE.match(r.grid_code)})
    grids: dict[str, Grid] = {}
    for chunk in _chunks(codes):
        for grid in Grid.objects.filter(code__in=chunk).select_related("community"):
            if unrestricted or (scope is not None and scope.can_edit_population(grid)):
                grids[grid.code] = grid
    plan = _ImportPlan(grids=grids)
    for r in rows:
        if _GRID_CODE.match(r.grid_code) and r.grid_code not in grids:
            r.errors.append((sheets.GRID, "网格编码不存在或不在您的管辖范围内"))

    # Duplicates inside the file.
    seen_ids: dict[str, int] = {}
    seen_names: dict[tuple[str, str, str], int] = {}
    for r in rows:
        if r.id_hash:
            if r.id_hash in seen_ids:
                r.errors.append((sheets.ID_NUMBER, f"身份证号码与第{seen_ids[r.id_hash]}行重复"))
            else:
                seen_ids[r.id_hash] = r.number
        elif r.clean is not None:
            name_key = (r.grid_code, r.key, r.clean.name)
            if name_key in seen_names:
                r.errors.append(
                    (
                        sheets.NAME,
                        f"同一住户内与第{seen_names[name_key]}行同名且都未填身份证号码，请填写身份证号码以便区分",
                    )
                )
            else:
                seen_names[name_key] = r.number

    households: dict[tuple[int, str], Household] = {}
    persons: list[Person] = []
    for chunk in _chunks(sorted(grids), 500):  # a few grids per file, but never past the parameter limit
        households.update(
            ((h.grid_id, h.address_key), h)
            for h in Household.objects.filter(grid_code__in=chunk).only(
                "id",
                "grid_id",
                "address_key",
                "district_code",
                "subdistrict_code",
                "community_code",
                "grid_code",
            )
        )
        persons.extend(Person.objects.filter(grid_code__in=chunk).only(*_MATCH_FIELDS).order_by("id"))
    by_hash = {p.id_number_hash: p for p in persons if p.id_number_hash}
    by_household: dict[int, list[Person]] = {}
    for p in persons:
        if p.household_id:
            by_household.setdefault(p.household_id, []).append(p)
    elsewhere: set[str] = set()
    for chunk in _chunks(sorted({r.id_hash for r in rows if r.id_hash and r.id_hash not in by_hash})):
        elsewhere.update(
            # The exclude names the unique index's condition (id_number_hash <> ''): PostgreSQL cannot
            # derive it from an IN list of more than 100 values and read all 10M persons instead.
            Person.objects.filter(id_number_hash__in=chunk)
            .exclude(id_number_hash="")
            .values_list("id_number_hash", flat=True)
        )

    matched: set[int] = set()

    def by_name(household: Household | None, name: str, without_id_only: bool) -> Person | None:
        if household is None:
            return None
        candidates = [p for p in by_household.get(household.pk, []) if p.name == name and p.pk not in matched]
        if without_id_only:
            candidates = [p for p in candidates if not p.id_number_hash]
        else:  # prefer the ones that have no ID number: they are the ones this row can name
            candidates.sort(key=lambda p: bool(p.id_number_hash))
        return candidates[0] if candidates else None

    def settle(r: _ImportRow, person: Person | None, hh_key: tuple[int, str]) -> None:
        if person is None:
            plan.creates.append((r, hh_key))
            if hh_key not in households and hh_key not in plan.new_households:
                plan.new_household_rows[hh_key] = r
                plan.new_households[hh_key] = Household()  # filled in when applying
            return
        matched.add(person.pk)
        changes = _person_changes(person, r)
        if changes:
            plan.updates.append((person, r, changes))
        else:
            plan.unchanged += 1

    # Rows with an ID number first, so that a row without one cannot take a person an ID names.
    ordered = [r for r in rows if r.id_hash] + [r for r in rows if not r.id_hash]
    for r in ordered:
        if r.errors or r.clean is None:
            continue
        grid = grids[r.grid_code]
        hh_key = (grid.pk, r.key)
        household = households.get(hh_key)
        if r.id_hash:
            person = by_hash.get(r.id_hash)
            if person is not None:
                if household is None or person.household_id != household.pk:
                    r.errors.append(
                        (sheets.ID_NUMBER, "该身份证号码已登记在其他住户，不能通过导入变更住址，请先核实")
                    )
                    continue
            elif r.id_hash in elsewhere:
                r.errors.append((sheets.ID_NUMBER, "该身份证号码已在其他网格登记，不能重复登记"))
                continue
            else:
                person = by_name(household, r.clean.name, without_id_only=True)
            settle(r, person, hh_key)
        else:
            settle(r, by_name(household, r.clean.name, without_id_only=False), hh_key)
    plan.existing_households = households
    return plan


def _require_importer(actor: User | None) -> list[str]:
    """The uploader's population-editing place codes; refuses a role that cannot edit the register."""
    if actor is None or actor.is_superuser:
        return []
    codes = scope_of(actor).codes(POPULATION_EDITORS)
    flat = sorted(c for level in codes.values() for c in level)
    if not flat:
        raise Forbidden(gettext("您的角色不能导入人口数据"))
    return flat


@in_chinese
def population_import(
    *,
    actor: User | None,
    file_name: str,
    content: bytes,
    dry_run: bool = False,
    progress: Progress | None = None,
    job_id: int | None = None,
) -> PopulationImport:
    """Imports the population register from an xlsx or csv file: all rows valid and applied, or nothing.

    A file that cannot be read raises ``ValidationFailed``. Otherwise a ``PopulationImport`` is returned
    (and kept) with status applied, rejected (row errors; nothing written) or checked (a clean dry run).
    Re-importing the same file finds every person unchanged and writes nothing to the register.

    In a background job (``gongzhi.jobs``) ``progress(done, total, phase=…, error_count=…)`` is called
    while the rows are checked (outside the transaction; it raises to cancel), and ``job_id`` is written
    with the record in the import's one transaction: the job run again finds it and writes nothing.
    """
    if job_id is not None:
        done = PopulationImport.objects.filter(job_id=job_id).first()
        if done is not None:
            return done
    scope_codes = _require_importer(actor)
    sheets.check_upload(file_name, len(content))
    if progress is not None:
        progress(0, None, phase="reading", force=True)
    sheet = sheets.read_population_file(file_name, content)
    if not sheet.rows:
        raise ValidationFailed(
            gettext("文件中没有数据行（第1行是列名，数据从第2行开始）"), fields={"file": gettext("没有数据")}
        )
    headers = set(sheet.headers)
    if progress is None:
        rows = [_prepare_row(r, headers) for r in sheet.rows]
    else:
        total, rows, bad = len(sheet.rows), [], 0
        progress(0, total, phase="checking", force=True)
        for i, r in enumerate(sheet.rows, start=1):
            row = _prepare_row(r, headers)
            rows.append(row)
            bad += bool(row.errors)
            if i % 200 == 0:
                progress(i, total, phase="checking", error_count=bad)
        # the last chance to cancel: after this the import writes, all of it or nothing; the rows
        # written are reported from inside its transaction (JobContext.progress, another connection)
        progress(0, total, phase="writing", error_count=bad, force=True)
    return _population_import_run(
        actor=actor,
        file_name=(file_name or "")[-255:],
        sha256=hashlib.sha256(content).hexdigest(),
        scope_codes=scope_codes,
        rows=rows,
        dry_run=dry_run,
        job_id=job_id,
        progress=progress,
    )


class Progress(Protocol):
    def __call__(
        self,
        done: int,
        total: int | None = None,
        *,
        phase: str = ...,
        error_count: int | None = None,
        force: bool = False,
    ) -> None: ...


@transaction.atomic
def _population_import_run(
    *,
    actor: User | None,
    file_name: str,
    sha256: str,
    scope_codes: list[str],
    rows: list[_ImportRow],
    dry_run: bool,
    job_id: int | None = None,
    progress: Progress | None = None,
) -> PopulationImport:
    plan = _plan_import(actor, rows)
    record = PopulationImport(
        job_id=job_id,
        actor=actor if actor is not None and actor.pk else None,
        file_name=file_name,
        sha256=sha256,
        dry_run=dry_run,
        rows=len(rows),
        scope_codes=scope_codes,
        **common_place(scope_codes),
    )
    order = {h: i for i, h in enumerate(sheets.HEADERS)}
    errors = sorted(
        ((r.number, column, message) for r in rows for column, message in r.errors),
        key=lambda e: (e[0], order.get(e[1], 99)),
    )
    if errors:
        reported = errors[:MAX_REPORTED_ERRORS]
        bad_rows = {number for number, _, _ in reported}
        record.status = ImportStatus.REJECTED
        record.error_count = len(errors)
        record.errors = [{"row": n, "column": c, "message": m} for n, c, m in reported]
        record.headers = list(sheets.HEADERS)
        record.error_rows = {
            str(r.number): [sheets.mask_raw(h, v) for h, v in zip(sheets.HEADERS, r.sheet.raw(), strict=True)]
            for r in rows
            if r.number in bad_rows
        }
        record.save()
        return record
    record.created, record.updated, record.unchanged = len(plan.creates), len(plan.updates), plan.unchanged
    record.households_created = len(plan.new_households)
    if dry_run:
        record.status = ImportStatus.CHECKED
        record.save()
        return record
    record.status = ImportStatus.APPLIED
    try:
        with transaction.atomic():
            _apply_import(actor, plan, progress)
    except IntegrityError as exc:
        # Someone registered the same person or address between our reads and writes.
        raise Conflict(gettext("导入期间数据已被他人修改，请重新导入"), code="conflict") from exc
    record.save()
    if plan.creates or plan.updates:
        audit_record(
            actor=actor,
            target=record,
            event="people.import_applied",
            data={
                "file_name": file_name,
                "sha256": sha256,
                "rows": record.rows,
                "created": record.created,
                "updated": record.updated,
                "unchanged": record.unchanged,
                "households_created": record.households_created,
                "grids": sorted(
                    {r.grid_code for r, _ in plan.creates} | {p.grid_code for p, _, _ in plan.updates}
                )[:100],
            },
        )
    return record


def _apply_import(actor: User | None, plan: _ImportPlan, progress: Progress | None = None) -> None:
    from gongzhi.places.services import (
        buildings_get_or_create,
        compose_address,
        estate_get_or_create,
        lock_addresses,
    )

    lock_addresses(*{plan.grids[r.grid_code].community_id for r in plan.new_household_rows.values()})
    estates: dict[tuple[int, str], Any] = {}
    for r in plan.new_household_rows.values():
        grid = plan.grids[r.grid_code]
        ekey = (grid.community_id, r.estate)
        if r.estate and ekey not in estates:
            estates[ekey] = estate_get_or_create(
                actor=actor, community=grid.community, name=r.estate, grid_code=grid.code
            )
    # the buildings of the new households in one go (one query, one insert): a 50,000-row file names
    # a few hundred, and one service call each was a fifth of the import's time
    buildings = buildings_get_or_create(
        actor=actor,
        wanted=[
            (grid, estates.get((grid.community_id, r.estate)), r.building)
            for r in plan.new_household_rows.values()
            if r.building
            for grid in (plan.grids[r.grid_code],)
        ],
    )
    for hh_key, r in plan.new_household_rows.items():
        grid = plan.grids[r.grid_code]
        estate = estates.get((grid.community_id, r.estate)) if r.estate else None
        building = (
            buildings[(grid.pk, estate.pk if estate else None, r.building.strip())] if r.building else None
        )
        hh = plan.new_households[hh_key]
        hh.grid = grid
        hh.building = building
        hh.entrance, hh.door = r.entrance, r.door
        hh.address = compose_address(r.estate, r.building, r.entrance, r.door)
        hh.address_key = r.key
        hh.set_place_codes(grid_code=grid.code)
    new_households = list(plan.new_households.values())
    households = {**plan.existing_households, **plan.new_households}
    writes = len(plan.creates) + len(plan.updates)
    report = _Written(progress, writes)
    report(0)
    if connection.vendor == "postgresql":
        _copy_new_rows(plan, new_households, households, report)
    else:
        _bulk_create_new_rows(plan, new_households, households, report)

    now = timezone.now()
    groups: dict[tuple[str, ...], list[Person]] = {}
    for person, r, changes in plan.updates:
        clean = r.clean
        assert clean is not None
        written: set[str] = {"updated_at"}
        for key in ("name", "relation", "residence_type", "tags"):
            if key in changes:
                setattr(person, key, changes[key])
                written.add(key)
        if "name" in changes:
            person.name_pinyin, person.name_initials = pinyin.full(clean.name), pinyin.initials(clean.name)
            written |= {"name_pinyin", "name_initials"}
        if "id_number" in changes:
            p = ids.Protected.of_id_number(clean.id_number)
            person.id_number_encrypted, person.id_number_hash, person.id_number_masked = (
                p.encrypted,
                p.hash,
                p.masked,
            )
            person.gender, person.birth_date = clean.gender, clean.birth_date
            written |= {"id_number_encrypted", "id_number_hash", "id_number_masked", "gender", "birth_date"}
        if "phone" in changes:
            p = ids.Protected.of_phone(clean.phone)
            person.phone_encrypted, person.phone_hash, person.phone_masked, person.phone_last4 = (
                p.encrypted,
                p.hash,
                p.masked,
                p.last4,
            )
            written |= {"phone_encrypted", "phone_hash", "phone_masked", "phone_last4"}
        person.updated_at = now
        groups.setdefault(tuple(sorted(written)), []).append(person)
    for fields, persons in groups.items():
        for start in range(0, len(persons), WRITE_CHUNK):
            Person.objects.bulk_update(persons[start : start + WRITE_CHUNK], list(fields), batch_size=500)
            report(len(persons[start : start + WRITE_CHUNK]))


# Persons written between two progress reports of the write phase.
WRITE_CHUNK = 2000


class _Written:
    """Counts the persons written and reports them (``progress`` in the write phase, from inside the
    import's transaction: the job's own thread writes the figures on another connection)."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0

    def __call__(self, n: int) -> None:
        self.done += n
        if self.progress is not None:
            self.progress(self.done, self.total, phase="writing")


def _bulk_create_new_rows(
    plan: _ImportPlan,
    new_households: list[Household],
    households: dict[tuple[int, str], Household],
    written: _Written,
) -> None:
    Household.objects.bulk_create(new_households, batch_size=500)
    if not all(h.pk for h in new_households):  # backends without RETURNING
        grid_ids = {h.grid_id for h in new_households}
        by_key = {
            (g, k): i
            for g, k, i in Household.objects.filter(grid_id__in=grid_ids).values_list(
                "grid_id", "address_key", "id"
            )
        }
        for h in new_households:
            h.pk = h.id = by_key[(h.grid_id, h.address_key)]
    new_persons = [build_person(r.clean, households[hh_key]) for r, hh_key in plan.creates if r.clean]
    for start in range(0, len(new_persons), WRITE_CHUNK):
        Person.objects.bulk_create(new_persons[start : start + WRITE_CHUNK], batch_size=500)
        written(len(new_persons[start : start + WRITE_CHUNK]))


# Every column of the two tables (test_import pins these against the models): what the ORM would write.
HOUSEHOLD_COPY_COLUMNS = (
    "id", "created_at", "updated_at", "district_code", "subdistrict_code", "community_code", "grid_code",
    "grid_id", "building_id", "entrance", "door", "address", "address_key",
)  # fmt: skip
PERSON_COPY_COLUMNS = (
    "created_at", "updated_at", "district_code", "subdistrict_code", "community_code", "grid_code",
    "household_id", "name", "name_pinyin", "name_initials", "gender", "birth_date", "relation",
    "residence_type", "tags", "id_number_encrypted", "id_number_hash", "id_number_masked", "phone_encrypted",
    "phone_hash", "phone_masked", "phone_last4", "user_id",
)  # fmt: skip


def _copy_new_rows(
    plan: _ImportPlan,
    new_households: list[Household],
    households: dict[tuple[int, str], Household],
    written: _Written,
) -> None:
    """PostgreSQL: the new households and persons by COPY, in this transaction. The ORM's bulk INSERT
    spends more time building model instances and binding 23 parameters a row than the database spends
    writing them; COPY takes the values as they are. Household ids come from their sequence first, so
    that the persons can point at them."""
    now = timezone.now()
    with connection.cursor() as cursor, connection.wrap_database_errors:
        raw = cursor.cursor  # psycopg 3
        # The foreign keys are deferred to the commit, where their 60,000 checks of a 50,000-row file
        # ran one after another while the import waited (about a second). Checked as each row arrives
        # instead, the server does them while this process prepares the next rows; the same checks.
        # A failed check aborts the transaction, which rolls back (the mode is the transaction's own).
        raw.execute("SET CONSTRAINTS ALL IMMEDIATE")
        _copy_rows(raw, plan, new_households, households, written, now)
        raw.execute("SET CONSTRAINTS ALL DEFERRED")


def _copy_rows(
    raw: Any,
    plan: _ImportPlan,
    new_households: list[Household],
    households: dict[tuple[int, str], Household],
    written: _Written,
    now: Any,
) -> None:
    if new_households:
        raw.execute(
            "SELECT nextval(pg_get_serial_sequence('places_household', 'id')) FROM generate_series(1, %s)",
            [len(new_households)],
        )
        for h, (pk,) in zip(new_households, raw.fetchall(), strict=True):
            h.pk = h.id = pk
            h._state.adding, h._state.db = False, connection.alias
        with raw.copy(f"COPY places_household ({', '.join(HOUSEHOLD_COPY_COLUMNS)}) FROM STDIN") as copy:
            for h in new_households:
                h.created_at = h.updated_at = now
                copy.write_row(
                    (h.pk, now, now, h.district_code, h.subdistrict_code, h.community_code, h.grid_code,
                     h.grid_id, h.building_id, h.entrance, h.door, h.address, h.address_key)
                )  # fmt: skip
    if not plan.creates:
        return
    with raw.copy(f"COPY people_person ({', '.join(PERSON_COPY_COLUMNS)}) FROM STDIN") as copy:
        for i, (r, hh_key) in enumerate(plan.creates, start=1):
            if i % WRITE_CHUNK == 0:
                written(WRITE_CHUNK)
            clean = r.clean
            assert clean is not None
            h = households[hh_key]
            full, initials = pinyin.keys(clean.name)
            idn = clean.id_number
            phone = clean.phone
            copy.write_row(
                (now, now, h.district_code, h.subdistrict_code, h.community_code, h.grid_code, h.pk,
                 clean.name, full, initials, clean.gender, clean.birth_date, clean.relation,
                 clean.residence_type, json.dumps(clean.tags),
                 ids.encrypt(idn) if idn else "", r.id_hash if idn else "", ids.mask_id_number(idn) if idn else "",
                 ids.encrypt(phone) if phone else "", r.phone_hash if phone else "",
                 ids.mask_phone(phone) if phone else "", phone[-4:] if phone else "", None)
            )  # fmt: skip
    written(len(plan.creates) % WRITE_CHUNK)


# --- in the background (gongzhi.jobs) ------------------------------------------------------------

JOB_KIND = "people.import"


def population_import_enqueue(
    *, actor: User | None, file_name: str, content: bytes, dry_run: bool = False
) -> Job:
    """Starts the population import as a background job and returns it (queued once the caller's
    transaction commits). The file is checked for size and the actor for the right to import now; the
    rows are checked by the worker, with progress on the job. Other code (the cluster journeys, a bench)
    enqueues an import exactly this way; ``python manage.py jobs_worker`` runs it."""
    from gongzhi.jobs.services import job_start

    _require_importer(actor)
    sheets.check_upload(file_name, len(content))
    kind = "校验" if dry_run else "导入"
    return job_start(
        actor=actor,
        kind=JOB_KIND,
        label=f"实有人口{kind}：{(file_name or '')[-80:]}",
        params={"dry_run": dry_run},
        file=(file_name or "", content, ""),
    )


def population_import_job(ctx: JobContext) -> dict[str, Any]:
    """The job's runner: the same import, with progress; returns what the job page shows."""
    name, content = ctx.input()
    record = population_import(
        actor=ctx.actor,
        file_name=name,
        content=content,
        dry_run=bool(ctx.params.get("dry_run")),
        progress=ctx.progress,
        job_id=ctx.job_id,
    )
    if record.status == ImportStatus.REJECTED:
        message = f"发现 {record.error_count} 处错误，未写入任何数据；请下载错误报告修改后重新导入"
    elif record.status == ImportStatus.CHECKED:
        message = f"校验通过：将新增 {record.created} 人、更新 {record.updated} 人（未写入）"
    else:
        message = f"已导入：新增 {record.created} 人、更新 {record.updated} 人、未变 {record.unchanged} 人，新增 {record.households_created} 户"
    return {
        "message": message,
        "import_id": record.pk,
        "import_status": str(record.status),
        "rows": record.rows,
        "created": record.created,
        "updated": record.updated,
        "unchanged": record.unchanged,
        "households_created": record.households_created,
        "errors": record.errors[:50],
        "error_count": record.error_count,
    }
