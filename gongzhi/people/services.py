"""People: registering and changing persons, revealing protected identifiers. One transaction each."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from gongzhi.audit.services import audit_record
from gongzhi.core import ids, pinyin
from gongzhi.core.errors import ApplicationError, Conflict, Forbidden, NotFound, ValidationFailed, field_error
from gongzhi.core.roles import POPULATION_EDITORS, POPULATION_ROLES
from gongzhi.core.scope import scope_of
from gongzhi.people import importer
from gongzhi.people.enums import (
    RELATION_BY_LABEL,
    RESIDENCE_BY_LABEL,
    TAG_BY_LABEL,
    Gender,
    ImportStatus,
    PersonTag,
    Relation,
    ResidenceType,
)
from gongzhi.people.models import Person, PopulationImport
from gongzhi.places.models import Household

if TYPE_CHECKING:
    from gongzhi.accounts.models import User


@dataclass
class PersonInput:
    """A person as entered (form, API, xlsx row), before validation."""

    name: str
    id_number: str = ""
    phone: str = ""
    relation: str = Relation.HEAD
    residence_type: str = ResidenceType.REGISTERED
    tags: list[str] = field(default_factory=list)


@dataclass
class CleanPerson:
    name: str
    id_number: str
    phone: str
    relation: str
    residence_type: str
    tags: list[str]
    gender: str
    birth_date: dt.date | None


# TextChoices.values builds a new list on every access; an import checks these for every row.
_RELATIONS = frozenset(Relation.values)
_RESIDENCE_TYPES = frozenset(ResidenceType.values)
_TAGS = frozenset(PersonTag.values)


def clean_person(data: PersonInput) -> CleanPerson:
    """Validates every field and reports all field errors at once, in Chinese."""
    errors: dict[str, str] = {}
    name = (data.name or "").strip()
    if not name:
        errors["name"] = "请填写姓名"
    elif len(name) > 50:
        errors["name"] = "姓名不能超过50个字"
    id_number = ""
    if data.id_number and data.id_number.strip():
        try:
            id_number = ids.normalise_id_number(data.id_number)
        except ValidationFailed as exc:
            errors.update(exc.fields)
    phone = ""
    if data.phone and data.phone.strip():
        try:
            phone = ids.normalise_phone(data.phone)
        except ValidationFailed as exc:
            errors.update(exc.fields)
    if data.relation not in _RELATIONS:
        errors["relation"] = f"与户主关系“{data.relation}”无效"
    if data.residence_type not in _RESIDENCE_TYPES:
        errors["residence_type"] = f"居住类型“{data.residence_type}”无效"
    bad_tags = [t for t in data.tags if t not in _TAGS]
    if bad_tags:
        errors["tags"] = f"未知标签：{'、'.join(bad_tags)}"
    if errors:
        first = next(iter(errors.values()))
        raise ValidationFailed(first, fields=errors)
    return CleanPerson(
        name=name,
        id_number=id_number,
        phone=phone,
        relation=data.relation,
        residence_type=data.residence_type,
        tags=sorted(set(data.tags)),
        gender=ids.gender_of(id_number) if id_number else "",
        birth_date=ids.birth_date_of(id_number) if id_number else None,
    )


def build_person(clean: CleanPerson, household: Household) -> Person:
    """An unsaved Person with its protected columns filled; used by create, import and the demo."""
    person = Person(
        household=household,
        name=clean.name,
        name_pinyin=pinyin.full(clean.name),
        name_initials=pinyin.initials(clean.name),
        gender=clean.gender,
        birth_date=clean.birth_date,
        relation=clean.relation,
        residence_type=clean.residence_type,
        tags=clean.tags,
    )
    person.set_place_codes(grid_code=household.grid_code)
    if clean.id_number:
        p = ids.Protected.of_id_number(clean.id_number)
        person.id_number_encrypted, person.id_number_hash, person.id_number_masked = (
            p.encrypted,
            p.hash,
            p.masked,
        )
    if clean.phone:
        p = ids.Protected.of_phone(clean.phone)
        person.phone_encrypted, person.phone_hash, person.phone_masked, person.phone_last4 = (
            p.encrypted,
            p.hash,
            p.masked,
            p.last4,
        )
    return person


def _require_editor(actor: User | None, obj: Any) -> None:
    if actor is None or actor.is_superuser:
        return
    scope = scope_of(actor)
    if not scope.can_edit_population(obj):
        if scope.sees_population(obj):
            raise Forbidden("您的角色只能查看，不能修改人口信息")
        raise NotFound()


def _duplicate_id(id_hash: str, exclude_id: int | None = None) -> None:
    qs = Person.objects.filter(id_number_hash=id_hash)
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    if qs.exists():
        raise ApplicationError(
            "该身份证号码已登记", code="duplicate", status=409, fields={"id_number": "该身份证号码已登记"}
        )


@transaction.atomic
def person_create(*, actor: User | None, household_id: int, data: PersonInput) -> Person:
    household = Household.objects.select_for_update().filter(pk=household_id).first()
    if household is None:
        raise NotFound("住户不存在或无权查看")
    _require_editor(actor, household)
    clean = clean_person(data)
    person = build_person(clean, household)
    if person.id_number_hash:
        _duplicate_id(person.id_number_hash)
    person.save()
    audit_record(
        actor=actor,
        target=person,
        event="people.person_created",
        data={"household": household.pk, "relation": clean.relation, "residence_type": clean.residence_type},
    )
    return person


_EDITABLE = ("name", "relation", "residence_type", "tags")


@transaction.atomic
def person_update(*, actor: User | None, person_id: int, data: PersonInput) -> Person:
    person = Person.objects.select_for_update().filter(pk=person_id).first()
    if person is None:
        raise NotFound()
    _require_editor(actor, person)
    clean = clean_person(data)
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    for key in _EDITABLE:
        if getattr(person, key) != getattr(clean, key):
            old[key], new[key] = getattr(person, key), getattr(clean, key)
            setattr(person, key, getattr(clean, key))
    if "name" in new:
        person.name_pinyin, person.name_initials = pinyin.full(clean.name), pinyin.initials(clean.name)
    if clean.id_number:
        h = ids.keyed_hash(clean.id_number)
        if h != person.id_number_hash:
            _duplicate_id(h, person.pk)
            p = ids.Protected.of_id_number(clean.id_number)
            old["id_number"], new["id_number"] = person.id_number_masked, p.masked
            person.id_number_encrypted, person.id_number_hash, person.id_number_masked = (
                p.encrypted,
                p.hash,
                p.masked,
            )
            person.gender, person.birth_date = clean.gender, clean.birth_date
    if clean.phone:
        h = ids.keyed_hash(clean.phone)
        if h != person.phone_hash:
            p = ids.Protected.of_phone(clean.phone)
            old["phone"], new["phone"] = person.phone_masked, p.masked
            person.phone_encrypted, person.phone_hash, person.phone_masked, person.phone_last4 = (
                p.encrypted,
                p.hash,
                p.masked,
                p.last4,
            )
    if not new:
        return person
    person.save()
    # Audit rows hold masked values only: the trail must not become a copy of the register.
    audit_record(actor=actor, target=person, event="people.person_updated", data={"old": old, "new": new})
    return person


@transaction.atomic
def person_reveal(*, actor: User, person_id: int, field_name: str, reason: str = "") -> str:
    """Returns the full ID number or phone; needs the reveal permission and leaves an audit row."""
    if field_name not in ("id_number", "phone"):
        raise field_error("field", "只能查看身份证号码或联系电话")
    person = Person.objects.filter(pk=person_id).first()
    scope = scope_of(actor)
    if person is None or not scope.sees_population(person):
        raise NotFound()
    own = person.user_id == actor.pk
    if not own and not actor.has_perm("people.reveal_person", person):
        raise Forbidden("您没有查看完整个人信息的权限")
    token = person.id_number_encrypted if field_name == "id_number" else person.phone_encrypted
    if not token:
        raise NotFound("该人员未登记此项信息")
    audit_record(
        actor=actor,
        target=person,
        event="people.person_revealed",
        data={"field": field_name, "reason": (reason or "")[:200]},
    )
    return ids.decrypt(token)


GENDER_LABEL = dict(Gender.choices)


@dataclass
class NewHousehold:
    """A household and its members as validated input for a bulk registration."""

    estate: str
    building: str
    entrance: str
    door: str
    persons: list[CleanPerson]


@transaction.atomic
def grid_population_register(*, actor: User | None, grid_id: int, households: list[NewHousehold]) -> int:
    """Registers many households with their persons in one grid: one transaction, one audit row.

    The bulk path (demo district, large imports) obeys the same rules as ``person_create``: scope,
    validation already done by ``clean_person``, unique ID numbers, unique addresses within the grid.
    Returns the number of persons registered.
    """
    from gongzhi.places.models import Grid
    from gongzhi.places.services import (
        address_key,
        building_get_or_create,
        compose_address,
        estate_get_or_create,
    )

    grid = Grid.objects.select_for_update().select_related("community").filter(pk=grid_id).first()
    if grid is None:
        raise NotFound("网格不存在或无权查看")
    _require_editor(actor, grid)
    estates: dict[str, Any] = {}
    buildings: dict[tuple[str, str], Any] = {}
    new_households: list[Household] = []
    keys = set(Household.objects.filter(grid=grid).values_list("address_key", flat=True))
    for item in households:
        if item.estate and item.estate not in estates:
            estates[item.estate] = estate_get_or_create(
                actor=actor, community=grid.community, name=item.estate
            )
        estate = estates.get(item.estate)
        if item.building and (item.estate, item.building) not in buildings:
            buildings[(item.estate, item.building)] = building_get_or_create(
                actor=actor, grid=grid, estate=estate, number=item.building
            )
        key = address_key(item.estate, item.building, item.entrance, item.door)
        if key in keys:
            raise ApplicationError(
                f"网格内已有住户“{compose_address(item.estate, item.building, item.entrance, item.door)}”",
                code="duplicate",
                status=409,
            )
        keys.add(key)
        hh = Household(
            grid=grid,
            building=buildings.get((item.estate, item.building)),
            entrance=item.entrance,
            door=item.door,
            address=compose_address(item.estate, item.building, item.entrance, item.door),
            address_key=key,
        )
        hh.set_place_codes(grid_code=grid.code)
        new_households.append(hh)
    Household.objects.bulk_create(new_households, batch_size=500)
    if not all(h.pk for h in new_households):  # SQLite < 3.35 and some backends return no ids
        by_key = dict(Household.objects.filter(grid=grid).values_list("address_key", "id"))
        for h in new_households:
            h.pk = h.id = by_key[h.address_key]
    persons: list[Person] = []
    for hh, item in zip(new_households, households, strict=True):
        persons.extend(build_person(clean, hh) for clean in item.persons)
    hashes = [p.id_number_hash for p in persons if p.id_number_hash]
    if len(hashes) != len(set(hashes)) or Person.objects.filter(id_number_hash__in=hashes).exists():
        raise ApplicationError(
            "身份证号码重复：批量登记中有已登记或重复的身份证号码", code="duplicate", status=409
        )
    Person.objects.bulk_create(persons, batch_size=500)
    audit_record(
        actor=actor,
        target=grid,
        event="people.persons_bulk_created",
        data={"households": len(new_households), "persons": len(persons)},
    )
    return len(persons)


# --- population import from xlsx -------------------------------------------------------------------

_COLUMN_OF_FIELD = {
    "name": importer.NAME,
    "id_number": importer.ID_NUMBER,
    "phone": importer.PHONE,
    "relation": importer.RELATION,
    "residence_type": importer.RESIDENCE,
    "tags": importer.TAGS,
}
_QUOTED = re.compile(r"“[^”]*”")
_GRID_CODE = re.compile(r"^\d{15}$")
# Stored and answered errors are capped; error_count keeps the real number.
MAX_REPORTED_ERRORS = 10_000
_LEVELS = ("district", "subdistrict", "community", "grid")
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


def place_chain(code: str) -> list[str]:
    """A place code with the codes of the places above it, district first."""
    if len(code) == 6:
        return [code]
    if len(code) == 12 and code.endswith("000"):
        return [code[:6], code]
    if len(code) == 12:
        return [code[:6], code[:9] + "000", code]
    if len(code) == 15:
        return [code[:6], code[:9] + "000", code[:12], code]
    return []


def common_place(codes: list[str] | set[str]) -> dict[str, str]:
    """The place codes of the smallest place containing all the given places ({} when none)."""
    chains = [c for c in (place_chain(code) for code in codes) if c]
    out: dict[str, str] = {}
    if not chains:
        return out
    for depth, level in enumerate(_LEVELS):
        values = {chain[depth] if len(chain) > depth else "" for chain in chains}
        if len(values) != 1 or "" in values:
            break
        out[f"{level}_code"] = values.pop()
    return out


def _lookup(text: str, by_label: dict[str, str], values: frozenset[str]) -> str | None:
    key = text.replace("(", "（").replace(")", "）").replace(" ", "")
    if key in by_label:
        return str(by_label[key])
    return key if key in values else None


@dataclass
class _ImportRow:
    sheet: importer.SheetRow
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


def _prepare_row(row: importer.SheetRow, headers: set[str]) -> _ImportRow:
    """Everything that can be checked from the row alone (no database): CPU only, outside the transaction."""
    from gongzhi.places.services import address_key, compose_address

    out = _ImportRow(sheet=row, errors=list(row.problems))
    flagged = {column for column, _ in out.errors}
    out.grid_code = row.get(importer.GRID).replace(" ", "")
    if not out.grid_code:
        out.errors.append((importer.GRID, "请填写网格编码"))
    elif not _GRID_CODE.match(out.grid_code):
        out.errors.append((importer.GRID, f"网格编码应为15位数字，收到“{out.grid_code[:30]}”"))
    out.estate, out.building = row.get(importer.ESTATE), row.get(importer.BUILDING)
    out.entrance, out.door = row.get(importer.ENTRANCE), row.get(importer.DOOR)
    if not out.door and importer.DOOR not in flagged:
        out.errors.append((importer.DOOR, "请填写门牌号"))
    for header, value, limit in (
        (importer.ESTATE, out.estate, 100),
        (importer.BUILDING, out.building, 30),
        (importer.ENTRANCE, out.entrance, 10),
        (importer.DOOR, out.door, 30),
    ):
        if len(value) > limit:
            out.errors.append((header, f"{header}不能超过{limit}个字"))
    if len(compose_address(out.estate, out.building, out.entrance, out.door)) > 200:
        out.errors.append((importer.DOOR, "住址（小区+楼栋+单元+门牌号）不能超过200个字"))
    out.key = address_key(out.estate, out.building, out.entrance, out.door)

    relation_text = row.get(importer.RELATION)
    relation = _lookup(relation_text, RELATION_BY_LABEL, _RELATIONS) if relation_text else None
    if not relation_text:
        out.errors.append((importer.RELATION, "请填写与户主关系"))
    elif relation is None:
        allowed = "、".join(str(label) for label in Relation.labels)
        out.errors.append((importer.RELATION, f"与户主关系“{relation_text[:20]}”无效，应为：{allowed}"))
    residence_text = row.get(importer.RESIDENCE)
    out.residence_given = bool(residence_text)
    residence = (
        _lookup(residence_text, RESIDENCE_BY_LABEL, _RESIDENCE_TYPES)
        if residence_text
        else ResidenceType.REGISTERED
    )
    if residence is None:
        allowed = "、".join(str(label) for label in ResidenceType.labels)
        out.errors.append((importer.RESIDENCE, f"居住类型“{residence_text[:20]}”无效，应为：{allowed}"))
    out.tags_given = importer.TAGS in headers
    tags: list[str] = []
    unknown: list[str] = []
    for label in importer.split_tags(row.get(importer.TAGS)):
        tag = TAG_BY_LABEL.get(label) or (label if label in _TAGS else None)
        if tag is None:
            unknown.append(label[:20])
        else:
            tags.append(tag)
    if unknown:
        allowed = "、".join(str(label) for label in PersonTag.labels)
        out.errors.append((importer.TAGS, f"未知标签：{'、'.join(unknown)}；可用标签：{allowed}"))

    id_text = "" if importer.ID_NUMBER in flagged else row.get(importer.ID_NUMBER)
    if id_text.upper() == importer.EXAMPLE_ID_NUMBER:
        out.errors.append((importer.ID_NUMBER, "这是导入模板中的示例行，请删除后再导入"))
        id_text = ""
    data = PersonInput(
        name=row.get(importer.NAME),
        id_number=id_text,
        phone=row.get(importer.PHONE),
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
            column = _COLUMN_OF_FIELD.get(field_name, importer.NAME)
            # The phone message quotes the number; the stored report must not keep it in clear.
            out.errors.append((column, _QUOTED.sub("", message) if column == importer.PHONE else message))
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
            r.errors.append((importer.GRID, "网格编码不存在或不在您的管辖范围内"))

    # Duplicates inside the file.
    seen_ids: dict[str, int] = {}
    seen_names: dict[tuple[str, str, str], int] = {}
    for r in rows:
        if r.id_hash:
            if r.id_hash in seen_ids:
                r.errors.append((importer.ID_NUMBER, f"身份证号码与第{seen_ids[r.id_hash]}行重复"))
            else:
                seen_ids[r.id_hash] = r.number
        elif r.clean is not None:
            name_key = (r.grid_code, r.key, r.clean.name)
            if name_key in seen_names:
                r.errors.append(
                    (
                        importer.NAME,
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
            Person.objects.filter(id_number_hash__in=chunk).values_list("id_number_hash", flat=True)
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
                        (importer.ID_NUMBER, "该身份证号码已登记在其他住户，不能通过导入变更住址，请先核实")
                    )
                    continue
            elif r.id_hash in elsewhere:
                r.errors.append((importer.ID_NUMBER, "该身份证号码已在其他网格登记，不能重复登记"))
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
        raise Forbidden("您的角色不能导入人口数据")
    return flat


def population_import(
    *, actor: User | None, file_name: str, content: bytes, dry_run: bool = False
) -> PopulationImport:
    """Imports the population register from an xlsx file: all rows valid and applied, or nothing.

    A file that cannot be read raises ``ValidationFailed``. Otherwise a ``PopulationImport`` is returned
    (and kept) with status applied, rejected (row errors; nothing written) or checked (a clean dry run).
    Re-importing the same file finds every person unchanged and writes nothing to the register.
    """
    scope_codes = _require_importer(actor)
    importer.check_upload(file_name, len(content))
    sheet = importer.read_population_sheet(content)
    if not sheet.rows:
        raise ValidationFailed(
            "文件中没有数据行（第1行是列名，数据从第2行开始）", fields={"file": "没有数据"}
        )
    headers = set(sheet.headers)
    rows = [_prepare_row(r, headers) for r in sheet.rows]
    return _population_import_run(
        actor=actor,
        file_name=(file_name or "")[-255:],
        sha256=hashlib.sha256(content).hexdigest(),
        scope_codes=scope_codes,
        rows=rows,
        dry_run=dry_run,
    )


@transaction.atomic
def _population_import_run(
    *,
    actor: User | None,
    file_name: str,
    sha256: str,
    scope_codes: list[str],
    rows: list[_ImportRow],
    dry_run: bool,
) -> PopulationImport:
    plan = _plan_import(actor, rows)
    record = PopulationImport(
        actor=actor if actor is not None and actor.pk else None,
        file_name=file_name,
        sha256=sha256,
        dry_run=dry_run,
        rows=len(rows),
        scope_codes=scope_codes,
        **common_place(scope_codes),
    )
    order = {h: i for i, h in enumerate(importer.HEADERS)}
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
        record.headers = list(importer.HEADERS)
        record.error_rows = {
            str(r.number): [
                importer.mask_raw(h, v) for h, v in zip(importer.HEADERS, r.sheet.raw(), strict=True)
            ]
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
            _apply_import(actor, plan)
    except IntegrityError as exc:
        # Someone registered the same person or address between our reads and writes.
        raise Conflict("导入期间数据已被他人修改，请重新导入", code="conflict") from exc
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


def _apply_import(actor: User | None, plan: _ImportPlan) -> None:
    from gongzhi.places.services import (
        building_get_or_create,
        compose_address,
        estate_get_or_create,
    )

    estates: dict[tuple[int, str], Any] = {}
    buildings: dict[tuple[int, str, str], Any] = {}
    for hh_key, r in plan.new_household_rows.items():
        grid = plan.grids[r.grid_code]
        estate = None
        if r.estate:
            ekey = (grid.community_id, r.estate)
            if ekey not in estates:
                estates[ekey] = estate_get_or_create(
                    actor=actor, community=grid.community, name=r.estate, grid_code=grid.code
                )
            estate = estates[ekey]
        building = None
        if r.building:
            bkey = (grid.pk, r.estate, r.building)
            if bkey not in buildings:
                buildings[bkey] = building_get_or_create(
                    actor=actor, grid=grid, estate=estate, number=r.building
                )
            building = buildings[bkey]
        hh = plan.new_households[hh_key]
        hh.grid = grid
        hh.building = building
        hh.entrance, hh.door = r.entrance, r.door
        hh.address = compose_address(r.estate, r.building, r.entrance, r.door)
        hh.address_key = r.key
        hh.set_place_codes(grid_code=grid.code)
    new_households = list(plan.new_households.values())
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

    households = {**plan.existing_households, **plan.new_households}
    new_persons = [build_person(r.clean, households[hh_key]) for r, hh_key in plan.creates if r.clean]
    Person.objects.bulk_create(new_persons, batch_size=500)

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
        Person.objects.bulk_update(persons, list(fields), batch_size=500)


# --- export ------------------------------------------------------------------------------------------

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
        raise Forbidden("您没有导出人员名单的权限")
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
            f"符合条件的人员共{count}人，超过单次导出上限{EXPORT_MAX_ROWS}人，请按社区或网格筛选后分批导出"
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
    content = importer.persons_workbook(rows)
    filters = {
        "q": _masked_query(q),
        "grid_code": grid_code,
        "community_code": community_code,
        "household_id": household_id,
        "tag": tag,
    }
    _persons_export_record(actor=actor, target=target or actor, filters=filters, count=count)
    return content, count


@transaction.atomic
def _persons_export_record(*, actor: User, target: Any, filters: dict[str, Any], count: int) -> None:
    audit_record(
        actor=actor,
        target=target,
        event="people.persons_exported",
        data={"filters": {k: v for k, v in filters.items() if v}, "count": count},
    )
