"""Writes of the register: property companies (USCC checked with python-stdnum) and the sector's
organisations — the district's property-sector party committee, the subdistricts' property offices and
the “红色物业”党建联盟 with its member companies; the demo's batch registration."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction

from gongzhi.audit.services import audit_record
from gongzhi.core import bounds
from gongzhi.core.errors import Forbidden, NotFound, ValidationFailed, field_error
from gongzhi.core.permissions import require
from gongzhi.property.enums import OrganizationKind
from gongzhi.property.models import PropertyCompany, PropertyOrganization
from gongzhi.property.services import _validation as v

if TYPE_CHECKING:
    from gongzhi.core.types import Actor
    from gongzhi.places.models import Subdistrict

_OFFICE_ONLY = "只有街道物业管理办公室（街道工作人员）或区级管理员可以维护物业企业名录"


def place_at(row: Any, *, district_code: str, subdistrict_code: str = "", community_code: str = "") -> None:
    """Place codes of a row registered at a district, a subdistrict or a community."""
    if community_code:
        row.set_place_codes(community_code=community_code)
        return
    row.district_code = district_code
    row.subdistrict_code = subdistrict_code
    row.community_code = ""
    row.grid_code = ""


def subdistrict_by_id(subdistrict_id: int | None) -> Subdistrict:
    from gongzhi.places.models import Subdistrict

    sub = (
        Subdistrict.objects.filter(pk=subdistrict_id).first()
        if subdistrict_id and bounds.int_in_range(subdistrict_id)
        else None
    )
    if sub is None:
        raise field_error("subdistrict_id", "请选择街道")
    return sub


@dataclass
class CompanyInput:
    name: str
    uscc: str
    address: str = ""
    manager_name: str = ""
    phone: str = ""
    party_org_name: str = ""
    party_members: int | str = 0
    party_lead_name: str = ""
    party_lead_id: int | None = None
    red_brand: bool = False


def _clean_company(data: CompanyInput, district_code: str) -> dict[str, Any]:
    from gongzhi.party.models import PartyMember

    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    for name, label, size, required in (
        ("name", "企业名称", 100, True),
        ("address", "地址", 200, False),
        ("manager_name", "项目负责人", 50, False),
        ("party_org_name", "企业党组织", 100, False),
        ("party_lead_name", "党建负责人", 50, False),
    ):
        try:
            check = v.text_required if required else v.text_optional
            out[name] = check(getattr(data, name), name, label, size)
        except ValidationFailed as exc:
            errors.update(exc.fields)
    for name, fn in (
        ("uscc", lambda: v.uscc_checked(data.uscc)),
        ("party_members", lambda: v.count(data.party_members, "party_members", "党员人数")),
        ("phone", lambda: v.phone_of(data.phone)),
    ):
        try:
            out[name] = fn()
        except ValidationFailed as exc:
            errors.update(exc.fields)
    lead = None
    if data.party_lead_id:
        lead = (
            PartyMember.objects.filter(pk=data.party_lead_id, district_code=district_code).first()
            if bounds.int_in_range(data.party_lead_id)
            else None
        )
        if lead is None:
            errors["party_lead_id"] = "党员档案不存在或不在本区"
    v.raise_all(errors)
    phone = out.pop("phone")
    out.update(
        phone_encrypted=phone.encrypted if phone else "",
        phone_hash=phone.hash if phone else "",
        phone_masked=phone.masked if phone else "",
        party_lead=lead,
        red_brand=bool(data.red_brand),
    )
    if lead is not None and not out["party_lead_name"]:
        out["party_lead_name"] = lead.name
    return out


def _uscc_taken(uscc: str, exclude: int | None = None) -> None:
    qs = PropertyCompany.objects.filter(uscc=uscc)
    if exclude:
        qs = qs.exclude(pk=exclude)
    if qs.exists():
        raise field_error("uscc", "该统一社会信用代码已登记", code="duplicate")


@transaction.atomic
def property_company_register(
    *, actor: Actor, subdistrict_id: int | None, data: CompanyInput
) -> PropertyCompany:
    sub = subdistrict_by_id(subdistrict_id)
    require(actor, "property.manage_company", sub, error=Forbidden(_OFFICE_ONLY))
    clean = _clean_company(data, sub.district_code)
    _uscc_taken(clean["uscc"])
    company = PropertyCompany(**clean)
    place_at(company, district_code=sub.district_code, subdistrict_code=sub.code)
    try:
        with transaction.atomic():
            company.save()
    except IntegrityError as exc:  # the same code registered at the same moment
        raise field_error("uscc", "该统一社会信用代码已登记", code="duplicate") from exc
    audit_record(
        actor=actor,
        target=company,
        event="property.company_registered",
        data={"uscc": company.uscc, "name": company.name},
    )
    return company


def _locked_company(actor: Actor, company_id: int) -> PropertyCompany:
    from gongzhi.property.selectors.register import company_list_for_actor

    visible = list(
        company_list_for_actor(actor=actor, active=None).filter(pk=company_id).values_list("pk", flat=True)
    )
    company = PropertyCompany.objects.select_for_update().filter(pk__in=visible).first()
    if company is None:
        raise NotFound("物业企业不存在或无权查看")
    require(actor, "property.manage_company", company, error=Forbidden(_OFFICE_ONLY))
    return company


@transaction.atomic
def property_company_update(*, actor: Actor, company_id: int, data: CompanyInput) -> PropertyCompany:
    company = _locked_company(actor, company_id)
    clean = _clean_company(data, company.district_code)
    if not (data.phone or "").strip():  # left blank: the phone stays as it was
        for key in ("phone_encrypted", "phone_hash", "phone_masked"):
            clean.pop(key)
    _uscc_taken(clean["uscc"], exclude=company.pk)
    changed = sorted(k for k, val in clean.items() if getattr(company, k) != val)
    for k in changed:
        setattr(company, k, clean[k])
    company.save()
    audit_record(actor=actor, target=company, event="property.company_changed", data={"fields": changed})
    return company


@transaction.atomic
def property_company_deactivate(*, actor: Actor, company_id: int, reason: str = "") -> PropertyCompany:
    from gongzhi.property.models import EstateService

    company = _locked_company(actor, company_id)
    reason = v.text_required(reason, "reason", "移出名录的原因", 200)
    if not company.active:
        raise ValidationFailed("该企业已移出名录")
    if EstateService.objects.filter(company=company, current=True).exists():
        raise ValidationFailed("该企业仍在为小区提供物业服务，请先变更这些小区的物业服务")
    company.active = False
    company.save(update_fields=["active", "updated_at"])
    audit_record(actor=actor, target=company, event="property.company_deactivated", data={"reason": reason})
    return company


@dataclass
class CompanyRow:
    subdistrict: Subdistrict
    data: CompanyInput


@transaction.atomic
def property_companies_bulk_register(*, actor: Actor | None, rows: list[CompanyRow]) -> list[PropertyCompany]:
    """A batch of companies registered by the district (the demo): checked as one by one, one audit row."""
    if not rows:
        return []
    out: list[PropertyCompany] = []
    seen: set[str] = set()
    for i, r in enumerate(rows, start=1):
        require(actor, "property.manage_company", r.subdistrict, error=Forbidden(_OFFICE_ONLY))
        clean = _clean_company(r.data, r.subdistrict.district_code)
        if clean["uscc"] in seen:
            raise field_error("uscc", f"第{i}条：统一社会信用代码重复")
        seen.add(clean["uscc"])
        company = PropertyCompany(**clean)
        place_at(company, district_code=r.subdistrict.district_code, subdistrict_code=r.subdistrict.code)
        out.append(company)
    if PropertyCompany.objects.filter(uscc__in=sorted(seen)).exists():
        raise field_error("uscc", "部分统一社会信用代码已登记")
    PropertyCompany.objects.bulk_create(out, batch_size=500)
    audit_record(
        actor=actor, target=rows[0].subdistrict, event="property.companies_imported", data={"count": len(out)}
    )
    return out


# --- organisations ----------------------------------------------------------------------------------


@dataclass
class OrganizationInput:
    kind: str
    name: str
    subdistrict_id: int | None = None  # none: the district's (the sector committee)
    parent_id: int | None = None
    party_organization_id: int | None = None
    head_name: str = ""
    note: str = ""
    company_ids: Iterable[int] = field(default_factory=list)


@transaction.atomic
def property_organization_create(
    *, actor: Actor, district_id: int | None = None, data: OrganizationInput
) -> PropertyOrganization:
    from gongzhi.party.models import PartyOrganization
    from gongzhi.places.models import District

    if data.kind not in OrganizationKind.values:
        raise field_error("kind", "请选择组织类型")
    if data.kind == OrganizationKind.SECTOR_COMMITTEE:
        district = (
            District.objects.filter(pk=district_id).first()
            if district_id and bounds.int_in_range(district_id)
            else None
        )
        if district is None:
            raise field_error("district_id", "请选择区县")
        require(
            actor, "property.manage_organization", district, error=Forbidden("只有区级管理员可以设立行业党委")
        )
        place: Any = district
        district_code, subdistrict_code = district.code, ""
    else:
        sub = subdistrict_by_id(data.subdistrict_id)
        require(actor, "property.manage_organization", sub, error=Forbidden(_OFFICE_ONLY))
        place = sub
        district_code, subdistrict_code = sub.district_code, sub.code
    name = v.text_required(data.name, "name", "名称", 100)
    head = v.text_optional(data.head_name, "head_name", "负责人", 50)
    note = v.text_optional(data.note, "note", "说明", 300)
    parent = None
    if data.parent_id:
        parent = PropertyOrganization.objects.filter(pk=data.parent_id, district_code=district_code).first()
        if parent is None:
            raise field_error("parent_id", "上级组织不存在")
    party_org = None
    if data.party_organization_id:
        party_org = PartyOrganization.objects.filter(
            pk=data.party_organization_id, district_code=district_code
        ).first()
        if party_org is None:
            raise field_error("party_organization_id", "党组织不存在或不在本区")
    company_ids = sorted({int(c) for c in data.company_ids if str(c).isdigit()})
    companies = list(
        PropertyCompany.objects.filter(pk__in=company_ids, district_code=district_code, active=True)
    )
    if len(companies) != len(company_ids):
        raise field_error("company_ids", "部分成员企业不存在或已移出名录")
    if PropertyOrganization.objects.filter(
        district_code=district_code, subdistrict_code=subdistrict_code, kind=data.kind, name=name
    ).exists():
        raise field_error("name", "已有同名组织")
    org = PropertyOrganization(
        kind=data.kind, name=name, parent=parent, party_organization=party_org, head_name=head, note=note
    )
    place_at(org, district_code=district_code, subdistrict_code=subdistrict_code)
    org.save()
    if companies:
        org.companies.set(companies)
    audit_record(
        actor=actor,
        target=org,
        event="property.organization_created",
        data={
            "kind": org.kind,
            "name": org.name,
            "place": getattr(place, "code", ""),
            "companies": company_ids,
        },
    )
    return org


@transaction.atomic
def property_organization_companies_set(
    *, actor: Actor, organization_id: int, company_ids: Iterable[int]
) -> PropertyOrganization:
    """The member companies of a 党建联盟 (or an office's companies) as listed."""
    org = (
        PropertyOrganization.objects.select_for_update().filter(pk=organization_id).first()
        if bounds.int_in_range(organization_id)
        else None
    )
    if org is None:
        raise NotFound("组织不存在或无权查看")
    require(actor, "property.manage_organization", org)
    ids = sorted({int(c) for c in company_ids if str(c).isdigit()})
    companies = list(PropertyCompany.objects.filter(pk__in=ids, district_code=org.district_code, active=True))
    if len(companies) != len(ids):
        raise field_error("company_ids", "部分成员企业不存在或已移出名录")
    before = sorted(org.companies.values_list("pk", flat=True))
    org.companies.set(companies)
    audit_record(
        actor=actor, target=org, event="property.organization_companies_set", data={"from": before, "to": ids}
    )
    return org
