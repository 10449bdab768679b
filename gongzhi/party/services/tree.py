"""The party organisation tree edited by people: 街道党工委, 社区党委, 楼院党小组, 小区党支部 created and
renamed, secretaries set (grid and joint branches come from the layout in ``organizations``). One
transaction and one audit row per service; ``actor=None`` is the system."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.core.errors import ApplicationError, NotFound, ValidationFailed, field_error
from gongzhi.core.permissions import require
from gongzhi.party.enums import BRANCH_KINDS, OrgKind
from gongzhi.party.models import PartyOrganization
from gongzhi.places.models import Community, Subdistrict

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def _name(value: str, label: str = "名称", max_length: int = 100) -> str:
    value = (value or "").strip()
    if not value:
        raise field_error("name", gettext("请填写%(label)s") % {"label": label})
    if len(value) > max_length:
        raise field_error(
            "name",
            gettext("%(label)s不能超过%(max_length)s个字") % {"label": label, "max_length": max_length},
        )
    return value


# -- organisation tree ----------------------------------------------------------------------------
def _working_committee_of(subdistrict: Subdistrict) -> PartyOrganization | None:
    return PartyOrganization.objects.filter(
        kind=OrgKind.WORKING_COMMITTEE, subdistrict_code=subdistrict.code, active=True
    ).first()


def _community_committee_of(community: Community) -> PartyOrganization | None:
    return PartyOrganization.objects.filter(
        kind=OrgKind.COMMUNITY_COMMITTEE, community_code=community.code, active=True
    ).first()


def _new_org(*, kind: str, name: str, parent: PartyOrganization | None, **codes: str) -> PartyOrganization:
    org = PartyOrganization(kind=kind, name=name, parent=parent)
    if codes.get("grid_code") or codes.get("community_code"):
        org.set_place_codes(
            grid_code=codes.get("grid_code", ""), community_code=codes.get("community_code", "")
        )
    else:
        sub = codes["subdistrict_code"]
        org.district_code, org.subdistrict_code, org.community_code, org.grid_code = sub[:6], sub, "", ""
    org.save()
    return org


def _ensure_tree(community: Community) -> tuple[PartyOrganization, list[str]]:
    """The community committee (and its subdistrict's working committee), created when missing."""
    created: list[str] = []
    committee = _community_committee_of(community)
    if committee is not None:
        return committee, created
    sub = community.subdistrict
    working = _working_committee_of(sub)
    if working is None:
        working = _new_org(
            kind=OrgKind.WORKING_COMMITTEE, name=f"{sub.name}党工委", parent=None, subdistrict_code=sub.code
        )
        created.append(working.name)
    committee = _new_org(
        kind=OrgKind.COMMUNITY_COMMITTEE,
        name=f"{community.name}党委",
        parent=working,
        community_code=community.code,
    )
    created.append(committee.name)
    return committee, created


@transaction.atomic
def working_committee_create(
    *, actor: Actor | None, subdistrict_id: int, name: str = ""
) -> PartyOrganization:
    sub = Subdistrict.objects.filter(pk=subdistrict_id).first()
    if sub is None:
        raise NotFound()
    require(actor, "party.add_partyorganization", sub)
    if _working_committee_of(sub) is not None:
        raise ApplicationError(gettext("该街道已有党工委"), code="exists", status=409)
    org = _new_org(
        kind=OrgKind.WORKING_COMMITTEE,
        name=_name(name or f"{sub.name}党工委"),
        parent=None,
        subdistrict_code=sub.code,
    )
    audit_record(
        actor=actor, target=org, event="party.org_created", data={"kind": org.kind, "name": org.name}
    )
    return org


@transaction.atomic
def community_committee_create(
    *, actor: Actor | None, community_id: int, name: str = ""
) -> PartyOrganization:
    community = Community.objects.select_related("subdistrict").filter(pk=community_id).first()
    if community is None:
        raise NotFound()
    require(actor, "party.add_partyorganization", community)
    if _community_committee_of(community) is not None:
        raise ApplicationError(gettext("该社区已有社区党委"), code="exists", status=409)
    working = _working_committee_of(community.subdistrict)
    if working is None:
        raise ValidationFailed(gettext("请先建立街道党工委"))
    org = _new_org(
        kind=OrgKind.COMMUNITY_COMMITTEE,
        name=_name(name or f"{community.name}党委"),
        parent=working,
        community_code=community.code,
    )
    audit_record(
        actor=actor, target=org, event="party.org_created", data={"kind": org.kind, "name": org.name}
    )
    return org


@transaction.atomic
def building_group_create(*, actor: Actor | None, branch_id: int, name: str) -> PartyOrganization:
    branch = PartyOrganization.objects.select_for_update().filter(pk=branch_id, active=True).first()
    if branch is None or branch.kind not in BRANCH_KINDS:
        raise NotFound()
    require(actor, "party.add_partyorganization", branch)
    org = _new_org(
        kind=OrgKind.BUILDING_GROUP,
        name=_name(name, gettext("党小组名称")),
        parent=branch,
        grid_code=branch.grid_code,
        community_code=branch.community_code,
    )
    audit_record(
        actor=actor, target=org, event="party.org_created", data={"kind": org.kind, "name": org.name}
    )
    return org


@transaction.atomic
def org_set_secretary(
    *, actor: Actor | None, org_id: int, secretary_name: str, secretary_user_id: int | None = None
) -> PartyOrganization:
    org = PartyOrganization.objects.select_for_update().filter(pk=org_id, active=True).first()
    if org is None:
        raise NotFound()
    require(actor, "party.change_partyorganization", org)
    old = org.secretary_name
    org.secretary_name = _name(secretary_name, gettext("书记姓名"), 50)
    org.secretary_id = secretary_user_id
    org.save(update_fields=["secretary_name", "secretary", "updated_at"])
    audit_record(
        actor=actor, target=org, event="party.secretary_set", data={"from": old, "to": org.secretary_name}
    )
    return org


@transaction.atomic
def estate_branch_create(*, actor: Actor | None, community_id: int, name: str) -> PartyOrganization:
    """A 小区党支部 (a residential compound's branch) under the community committee, placed at the
    community. It is not a grid branch: the grid-branch layout and its coverage figures leave it alone."""
    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        raise NotFound()
    require(actor, "party.add_partyorganization", community)
    committee = _community_committee_of(community)
    if committee is None:
        raise ValidationFailed(gettext("请先建立社区党委"))
    org = _new_org(
        kind=OrgKind.ESTATE_BRANCH,
        name=_name(name, gettext("小区党支部名称")),
        parent=committee,
        community_code=community.code,
    )
    audit_record(
        actor=actor, target=org, event="party.org_created", data={"kind": org.kind, "name": org.name}
    )
    return org


@transaction.atomic
def org_rename(*, actor: Actor | None, org_id: int, name: str) -> PartyOrganization:
    """Renames an organisation in force (a branch keeps its grids and members)."""
    org = PartyOrganization.objects.select_for_update().filter(pk=org_id, active=True).first()
    if org is None:
        raise NotFound()
    require(actor, "party.change_partyorganization", org)
    new = _name(name)
    if new != org.name:
        old, org.name = org.name, new
        org.save(update_fields=["name", "updated_at"])
        audit_record(actor=actor, target=org, event="party.org_renamed", data={"from": old, "to": new})
    return org


@transaction.atomic
def org_update(
    *, actor: Actor | None, org_id: int, name: str | None = None, secretary_name: str | None = None
) -> PartyOrganization:
    """Renames an organisation and/or sets its secretary in one transaction: both are written or neither
    (a refused secretary's name leaves the old name too). Each change leaves its own audit row."""
    if name is None and secretary_name is None:
        raise ValidationFailed(gettext("请填写新名称或书记姓名"), fields={"name": gettext("请填写")})
    org = PartyOrganization.objects.filter(pk=org_id, active=True).first()
    if org is None:
        raise NotFound()
    if name is not None:
        org = org_rename(actor=actor, org_id=org.pk, name=name)
    if secretary_name is not None:
        org = org_set_secretary(actor=actor, org_id=org.pk, secretary_name=secretary_name)
    return org
