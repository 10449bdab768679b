"""People: registering and changing persons, revealing protected identifiers. One transaction each."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from gongzhi.accounts.models import RoleAssignment, User
from gongzhi.accounts.services import (
    otp_consume,
    require_account_admin,
    role_assign,
    sign_in_failed,
    sign_in_recorded,
    user_create,
)
from gongzhi.audit.services import audit_record
from gongzhi.core import ids, pinyin, ratelimit
from gongzhi.core.bulk import insert_rows
from gongzhi.core.errors import ApplicationError, Forbidden, NotFound, ValidationFailed, field_error
from gongzhi.core.locks import lock_name
from gongzhi.core.permissions import allowed
from gongzhi.core.roles import Role, ScopeLevel
from gongzhi.people.enums import (
    Gender,
    PersonTag,
    Relation,
    ResidenceType,
)
from gongzhi.people.models import Person
from gongzhi.places.models import Household


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
    """A population editor over ``obj``'s place; a reader there is refused, anyone else meets a 404."""
    if allowed(actor, "people.change_person", obj):
        return
    if allowed(actor, "people.view_person", obj):
        raise Forbidden(gettext("您的角色只能查看，不能修改人口信息"))
    raise NotFound()


def _duplicate_id(id_hash: str, exclude_id: int | None = None) -> None:
    qs = Person.objects.filter(id_number_hash=id_hash)
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    if qs.exists():
        raise ApplicationError(
            gettext("该身份证号码已登记"),
            code="duplicate",
            status=409,
            fields={"id_number": gettext("该身份证号码已登记")},
        )


def _save_person(person: Person) -> None:
    """Saves; the same ID number entered elsewhere at the same moment (it passed ``_duplicate_id`` before
    the other committed) meets the table's unique constraint and is refused the same way, not a 500."""
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        if person.id_number_hash:
            _duplicate_id(person.id_number_hash, person.pk)
        raise


@transaction.atomic
def person_create(*, actor: User | None, household_id: int, data: PersonInput) -> Person:
    household = Household.objects.select_for_update().filter(pk=household_id).first()
    if household is None:
        raise NotFound(gettext("住户不存在或无权查看"))
    _require_editor(actor, household)
    clean = clean_person(data)
    person = build_person(clean, household)
    if person.id_number_hash:
        _duplicate_id(person.id_number_hash)
    _save_person(person)
    audit_record(
        actor=actor,
        target=person,
        event="people.person_created",
        data={"household": household.pk, "relation": clean.relation, "residence_type": clean.residence_type},
    )
    return person


@transaction.atomic
def household_register(
    *,
    actor: User | None,
    grid_id: int,
    estate: str,
    building: str,
    entrance: str,
    door: str,
    head: PersonInput,
) -> Person:
    """Registers a new household in a grid together with its head, all or nothing.

    The head and the address are checked first and every field error is reported at once; nothing is
    written unless both are valid. The household (with any new estate or building) is created by
    ``places.services.household_create`` and the head by ``person_create``, each leaving its own audit
    row, inside this one transaction. Returns the head.
    """
    from gongzhi.places.models import Grid
    from gongzhi.places.services import household_create, lock_addresses

    community_id = Grid.objects.filter(pk=grid_id).values_list("community_id", flat=True).first()
    if community_id is None:
        raise NotFound(gettext("网格不存在或无权查看"))
    # The community's address lock before the grid's row lock: household_create takes the address lock and
    # then (its household's foreign key) waits on the grid row; the other order deadlocks.
    lock_addresses(community_id)
    grid = Grid.objects.select_for_update(of=("self",)).select_related("community").filter(pk=grid_id).first()
    if grid is None:
        raise NotFound(gettext("网格不存在或无权查看"))
    _require_editor(actor, grid)
    estate, building, entrance, door = ((v or "").strip() for v in (estate, building, entrance, door))
    errors: dict[str, str] = {}
    for key, value, label, max_length in (
        ("estate", estate, "小区名称", 100),
        ("building", building, "楼号", 30),
        ("entrance", entrance, "单元", 10),
        ("door", door, "门牌号", 30),
    ):
        if len(value) > max_length:
            errors[key] = f"{label}不能超过{max_length}个字"
    if not door:
        errors["door"] = "请填写门牌号"
    if head.relation != Relation.HEAD:
        errors["relation"] = "新登记住户的第一位人员应为户主"
    try:
        clean = clean_person(head)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    else:
        if clean.id_number and Person.objects.filter(id_number_hash=ids.keyed_hash(clean.id_number)).exists():
            errors["id_number"] = "该身份证号码已登记"
    if errors:
        raise ValidationFailed(next(iter(errors.values())), fields=errors)
    household = household_create(
        actor=actor,
        grid=grid,
        estate_name=estate,
        building_number=building,
        entrance=entrance,
        door=door,
    )
    return person_create(actor=actor, household_id=household.pk, data=head)


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
    _save_person(person)
    # Audit rows hold masked values only: the trail must not become a copy of the register.
    audit_record(actor=actor, target=person, event="people.person_updated", data={"old": old, "new": new})
    return person


# The longest reason a reveal keeps in its audit row; a longer one is refused, never cut.
REVEAL_REASON_MAX = 200


def reveal_reason_checked(reason: str) -> str:
    """The reason as kept: trimmed, required, at most ``REVEAL_REASON_MAX`` characters (400 otherwise)."""
    text = (reason or "").strip()
    if not text:
        raise field_error("reason", gettext("请填写查看原因（将记入操作记录）"), code="required")
    if len(text) > REVEAL_REASON_MAX:
        raise field_error(
            "reason", f"查看原因不能超过{REVEAL_REASON_MAX}个字（现有{len(text)}个字）", code="too_long"
        )
    return text


@transaction.atomic
def person_reveal(*, actor: User, person_id: int, field_name: str, reason: str) -> str:
    """Returns the full ID number or phone; needs the reveal permission and a reason, leaves an audit row,
    and counts toward the actor's ``RATE_LIMITS["reveal_user"]`` (30 an hour, console and API together:
    429 past it). Every channel (console page, API) comes through here."""
    if field_name not in ("id_number", "phone"):
        raise field_error("field", gettext("只能查看身份证号码或联系电话"))
    person = Person.objects.filter(pk=person_id).first()
    if person is None or not allowed(actor, "people.view_person", person):
        raise NotFound()
    if not actor.has_perm("people.reveal_person", person):
        raise Forbidden(gettext("您没有查看完整个人信息的权限"))
    token = person.id_number_encrypted if field_name == "id_number" else person.phone_encrypted
    if not token:
        raise NotFound(gettext("该人员未登记此项信息"))
    kept_reason = reveal_reason_checked(reason)  # after the scope and permission: 404/403 tell no more
    try:
        ratelimit.hit("reveal_user", str(actor.pk))
    except ratelimit.RateLimited as exc:
        limit = ratelimit.limit_of("reveal_user")
        per = f"（每{limit.seconds // 60}分钟最多{limit.count}次）" if limit else ""
        raise ratelimit.RateLimited(
            exc.retry_after, f"查看完整个人信息过于频繁{per}，请{exc.retry_after}秒后再试"
        ) from exc
    audit_record(
        actor=actor,
        target=person,
        event="people.person_revealed",
        data={"field": field_name, "reason": kept_reason},
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
        lock_addresses,
    )

    community_id = Grid.objects.filter(pk=grid_id).values_list("community_id", flat=True).first()
    if community_id is None:
        raise NotFound(gettext("网格不存在或无权查看"))
    # The community's address lock before the grid's row lock: household_create takes the address lock and
    # then (its household's foreign key) waits on the grid row; the other order deadlocks.
    lock_addresses(community_id)
    grid = Grid.objects.select_for_update(of=("self",)).select_related("community").filter(pk=grid_id).first()
    if grid is None:
        raise NotFound(gettext("网格不存在或无权查看"))
    _require_editor(actor, grid)
    estates: dict[str, Any] = {}
    buildings: dict[tuple[str, str], Any] = {}
    new_households: list[Household] = []
    keys = set(Household.objects.filter(grid=grid).values_list("address_key", flat=True))
    for item in households:
        if item.estate and item.estate not in estates:
            estates[item.estate] = estate_get_or_create(
                actor=actor, community=grid.community, name=item.estate, grid_code=grid.code
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
    insert_rows(Household, new_households)
    # The fast insert returns no ids: read them back by the address key, unique within the grid.
    by_key = dict(Household.objects.filter(grid=grid).values_list("address_key", "id"))
    for h in new_households:
        h.pk = h.id = by_key[h.address_key]
    persons: list[Person] = []
    for hh, item in zip(new_households, households, strict=True):
        persons.extend(build_person(clean, hh) for clean in item.persons)
    hashes = [p.id_number_hash for p in persons if p.id_number_hash]
    if (
        len(hashes) != len(set(hashes))
        or Person.objects.filter(id_number_hash__in=hashes).exclude(id_number_hash="").exists()
    ):
        raise ApplicationError(
            gettext("身份证号码重复：批量登记中有已登记或重复的身份证号码"), code="duplicate", status=409
        )
    insert_rows(Person, persons)
    audit_record(
        actor=actor,
        target=grid,
        event="people.persons_bulk_created",
        data={"households": len(new_households), "persons": len(persons)},
    )
    return len(persons)


# --- resident accounts --------------------------------------------------------------------------------


def resident_sign_in(*, phone: str, code: str, channel: str, ip: str) -> User:
    """A resident signs in with a one-time code: the code is checked (and spent) first, then the account
    of the registered person with that phone is returned, opened on first sign-in. Success and failure
    each leave an audit row (``channel``: "h5_otp" or "api_otp", the client ``ip``, the phone masked)."""
    normalised = ids.normalise_phone(phone)
    phone_hash = ids.keyed_hash(normalised)
    if not otp_consume(phone_hash=phone_hash, code=code):
        sign_in_failed(channel=channel, ip=ip, reason="bad_code", phone=normalised)
        raise ValidationFailed(
            gettext("验证码错误或已过期"), code="bad_code", fields={"code": gettext("验证码错误或已过期")}
        )
    try:
        user = resident_account_for_phone(phone_hash=phone_hash)
    except ApplicationError as exc:
        if exc.code != "not_registered":
            sign_in_failed(channel=channel, ip=ip, reason=exc.code, phone=normalised)
            raise
        # A verified phone that no household lists: a visitor (访客), who may report and follow their own
        # reports; registration with the community later unlocks the household pages on the same account.
        user = visitor_account_for_phone(phone=normalised)
    sign_in_recorded(user=user, channel=channel, ip=ip, phone=normalised)
    return user


VISITOR_PREFIX = "v"


@transaction.atomic
def visitor_account_for_phone(*, phone: str) -> User:
    """The visitor account of a verified phone no household lists, opened on its first sign-in: no role,
    no household; the account's own reports only (``core.access.is_visitor``)."""
    protected = ids.Protected.of_phone(ids.normalise_phone(phone))
    lock_name(f"people.visitor:{protected.hash}")  # two first sign-ins at once open one account
    user = (
        User.objects.filter(phone_hash=protected.hash, username__startswith=VISITOR_PREFIX)
        .order_by("id")
        .first()
    )
    if user is not None:
        return user
    user = User(
        username=f"{VISITOR_PREFIX}{protected.hash[:20]}",
        display_name="访客",
        phone_encrypted=protected.encrypted,
        phone_hash=protected.hash,
        phone_masked=protected.masked,
    )
    user.set_unusable_password()
    user.save()
    audit_record(
        actor=user, target=user, event="accounts.visitor_registered", data={"phone": protected.masked}
    )
    return user


@transaction.atomic
def resident_account_for_phone(*, phone_hash: str) -> User:
    person = (
        Person.objects.select_for_update()
        .filter(phone_hash=phone_hash, household__isnull=False)
        .order_by("id")
        .first()
    )
    if person is None:
        raise ApplicationError(
            gettext("该手机号未在社区登记，请联系所在网格员登记后再登录"), code="not_registered", status=403
        )
    if person.user_id:
        return person.user  # type: ignore[return-value]
    # A visitor who signed in before being registered keeps their account (and their reports).
    user = (
        User.objects.select_for_update()
        .filter(phone_hash=phone_hash, username__startswith=VISITOR_PREFIX)
        .exclude(pk__in=RoleAssignment.objects.values("user_id"))
        .order_by("id")
        .first()
    )
    if user is not None:
        user.display_name = person.name
        user.save(update_fields=["display_name"])
    else:
        user = User(
            username=f"r{person.pk}",
            display_name=person.name,
            phone_encrypted=person.phone_encrypted,
            phone_hash=person.phone_hash,
            phone_masked=person.phone_masked,
        )
        user.set_unusable_password()
        user.save()
    person.user = user
    person.save(update_fields=["user", "updated_at"])
    RoleAssignment.objects.create(
        user=user, role=Role.RESIDENT, level=ScopeLevel.HOUSEHOLD, household=person.household
    )
    audit_record(
        actor=user, target=person, event="accounts.resident_registered", data={"user": user.username}
    )
    return user


@transaction.atomic
def resident_account_create(
    *,
    actor: User | None,
    person_id: int,
    username: str,
    password: str | None = None,
    note: dict | None = None,
) -> User:
    """Staff open an account for a registered resident (who may also sign in with a one-time code)."""
    require_account_admin(actor)
    person = Person.objects.select_for_update().filter(pk=person_id, household__isnull=False).first()
    if person is None:
        raise field_error("person", gettext("人员不存在或未登记住户"))
    if person.user_id:
        raise ApplicationError(
            gettext("%(name)s已有居民账号") % {"name": person.name}, code="duplicate", status=409
        )
    user = user_create(
        actor=actor,
        username=username,
        password=password,
        display_name=person.name,
        validate_password=False,
        note=note,
    )
    user.phone_encrypted, user.phone_hash, user.phone_masked = (
        person.phone_encrypted,
        person.phone_hash,
        person.phone_masked,
    )
    user.save(update_fields=["phone_encrypted", "phone_hash", "phone_masked"])
    person.user = user
    person.save(update_fields=["user", "updated_at"])
    role_assign(actor=actor, user=user, role=Role.RESIDENT, household=person.household)
    return user
