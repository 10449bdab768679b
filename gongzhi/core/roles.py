from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DISTRICT_ADMIN = "district_admin", _("区级管理员")
    SUBDISTRICT_STAFF = "subdistrict_staff", _("街道工作人员")
    COMMUNITY_WORKER = "community_worker", _("社区工作者")
    COMMUNITY_SECRETARY = "community_secretary", _("社区党组织书记")
    GRID_HEAD = "grid_head", _("网格长")
    GRID_WORKER = "grid_worker", _("网格员")
    DEPARTMENT_HANDLER = "department_handler", _("部门经办人")
    UNIT_LIAISON = "unit_liaison", _("驻区单位联络人")
    PARTY_MEMBER = "party_member", _("党员")
    RESIDENT = "resident", _("居民")
    AUDITOR = "auditor", _("审计员")


class ScopeLevel(models.TextChoices):
    DISTRICT = "district", _("区县")
    SUBDISTRICT = "subdistrict", _("街道")
    COMMUNITY = "community", _("社区")
    GRID = "grid", _("网格")
    DEPARTMENT = "department", _("部门")
    HOUSEHOLD = "household", _("住户")


# The level each role's assignment is scoped to.
ROLE_LEVEL: dict[str, str] = {
    Role.DISTRICT_ADMIN: ScopeLevel.DISTRICT,
    Role.AUDITOR: ScopeLevel.DISTRICT,
    Role.SUBDISTRICT_STAFF: ScopeLevel.SUBDISTRICT,
    Role.COMMUNITY_WORKER: ScopeLevel.COMMUNITY,
    Role.COMMUNITY_SECRETARY: ScopeLevel.COMMUNITY,
    Role.GRID_HEAD: ScopeLevel.GRID,
    Role.GRID_WORKER: ScopeLevel.GRID,
    Role.DEPARTMENT_HANDLER: ScopeLevel.DEPARTMENT,
    Role.UNIT_LIAISON: ScopeLevel.COMMUNITY,
    Role.PARTY_MEMBER: ScopeLevel.COMMUNITY,
    Role.RESIDENT: ScopeLevel.HOUSEHOLD,
}

# Roles whose place scope covers the population register of that place.
POPULATION_ROLES = frozenset(
    {
        Role.DISTRICT_ADMIN,
        Role.AUDITOR,
        Role.SUBDISTRICT_STAFF,
        Role.COMMUNITY_WORKER,
        Role.COMMUNITY_SECRETARY,
        Role.GRID_HEAD,
        Role.GRID_WORKER,
    }
)
# Roles that may change population data in their scope.
POPULATION_EDITORS = frozenset(
    {Role.DISTRICT_ADMIN, Role.COMMUNITY_WORKER, Role.COMMUNITY_SECRETARY, Role.GRID_HEAD, Role.GRID_WORKER}
)
# Roles that may reveal a full ID or phone number (each reveal is audited).
REVEALERS = POPULATION_EDITORS
STAFF_ROLES = POPULATION_ROLES | {Role.DEPARTMENT_HANDLER}
# Roles that read the audit trail of their place; the district-level ones also read account events,
# which belong to no place.
AUDIT_READERS = frozenset(
    {Role.DISTRICT_ADMIN, Role.AUDITOR, Role.COMMUNITY_SECRETARY, Role.SUBDISTRICT_STAFF}
)
ACCOUNT_AUDIT_READERS = frozenset({Role.DISTRICT_ADMIN, Role.AUDITOR})

# --- Named role sets: every app's permissions.py builds from these, so one set has one name. -------
# Grid level: the grid worker and the grid head (网格员、网格长).
GRID_STAFF = frozenset({Role.GRID_WORKER, Role.GRID_HEAD})
# Community level: the community worker and the community party secretary.
COMMUNITY_STAFF = frozenset({Role.COMMUNITY_WORKER, Role.COMMUNITY_SECRETARY})
# Who runs a community's registers (units, member registration, party organisations, volunteer teams,
# letters to units): the community's staff, or a district admin for any community of the district.
COMMUNITY_MANAGERS = COMMUNITY_STAFF | {Role.DISTRICT_ADMIN}
# The community managers and the subdistrict office over them (the three lists, the 12345 import).
PLACE_MANAGERS = COMMUNITY_MANAGERS | {Role.SUBDISTRICT_STAFF}
# Who reads a community's registers by place: the managers, the subdistrict office and the auditor.
PLACE_READERS = PLACE_MANAGERS | {Role.AUDITOR}
# District-level decisions (category editing, assessment schemes).
DISTRICT_ADMINS = frozenset({Role.DISTRICT_ADMIN})
# Party-organisation layout (applying the grid-branch layout): the secretary or a district admin.
PARTY_SECRETARIES = frozenset({Role.DISTRICT_ADMIN, Role.COMMUNITY_SECRETARY})
# Accounts that act for themselves on the resident site (H5): residents, party members, unit liaisons.
SELF_SERVICE_ROLES = frozenset({Role.RESIDENT, Role.PARTY_MEMBER, Role.UNIT_LIAISON})
# Who claims (认领) a co-building project for their unit or for themselves: unit liaisons and party members.
PROJECT_CLAIMANTS = frozenset({Role.UNIT_LIAISON, Role.PARTY_MEMBER})
# Subdistrict level: the subdistrict office's staff (街道工作人员), one level of a ticket's place.
SUBDISTRICT_STAFF = frozenset({Role.SUBDISTRICT_STAFF})
# The staff of a place at any level, grid to district: who takes reports and moves tickets of their place,
# and the accounts that may sit in a grid team ("1+X+N"; auditors and department handlers never do).
PLACE_STAFF = GRID_STAFF | PLACE_MANAGERS
# Who reads every ticket, patrol and indicator of their place: its staff and the auditor (who never moves).
TICKET_READERS = PLACE_STAFF | {Role.AUDITOR}
# A party member acting for themself (registering with the community where they live).
PARTY_MEMBERS = frozenset({Role.PARTY_MEMBER})
# Who keeps a subdistrict's own records (its party working committee): its office or a district admin.
SUBDISTRICT_MANAGERS = frozenset({Role.DISTRICT_ADMIN, Role.SUBDISTRICT_STAFF})
