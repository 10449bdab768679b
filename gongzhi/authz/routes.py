"""The one table of every route the project serves: which object a route's path parameters point at,
which roles it lets in, and what the probe sends (``authz/matrix.py`` runs it).

Add a row when you add a route; ``python manage.py authz_matrix`` and ``authz/tests`` fail on a route
that has none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gongzhi.core.roles import POPULATION_EDITORS, POPULATION_ROLES, REVEALERS, STAFF_ROLES, Role

# -- roles and the route record ------------------------------------------------------------------
COLUMNS = [r.value for r in Role] + ["anonymous"]
ALL = frozenset(COLUMNS)
SIGNED_IN = frozenset(r.value for r in Role)
DISTRICT_WIDE = frozenset({Role.DISTRICT_ADMIN.value, Role.AUDITOR.value})
# Accounts whose scope is narrower than the district: every B object is outside it.
SCOPED = SIGNED_IN - DISTRICT_WIDE
NOBODY: frozenset[str] = frozenset()
STAFF = frozenset(STAFF_ROLES)
POPULATION = frozenset(POPULATION_ROLES)
POPULATION_EDIT = frozenset(POPULATION_EDITORS)
ADMIN, AUDITOR, SUBDISTRICT = Role.DISTRICT_ADMIN, Role.AUDITOR, Role.SUBDISTRICT_STAFF
COMMUNITY_WORKER, SECRETARY = Role.COMMUNITY_WORKER, Role.COMMUNITY_SECRETARY
GRID_HEAD, GRID_WORKER, DEPARTMENT = Role.GRID_HEAD, Role.GRID_WORKER, Role.DEPARTMENT_HANDLER
LIAISON, MEMBER, RESIDENT, ANON = Role.UNIT_LIAISON, Role.PARTY_MEMBER, Role.RESIDENT, "anonymous"


def of(*columns: str) -> frozenset[str]:
    return frozenset(str(c) for c in columns)


# People's mediation: who reads the pages, a case (its committee, the readers of its place), handles it.
MEDIATION_VIEWERS = of(ADMIN, AUDITOR, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY, GRID_HEAD, GRID_WORKER)
MEDIATION_CASE_READERS = of(ADMIN, AUDITOR, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY)
MEDIATION_HANDLERS = of(ADMIN, COMMUNITY_WORKER, SECRETARY)
# Smart-community devices: the readers of a place's tickets (TICKET_READERS) read its devices and events.
DEVICE_READERS = of(ADMIN, AUDITOR, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY, GRID_HEAD, GRID_WORKER)
# 红色物业: an estate's profile, its matters and the companies serving it are read by the staff roles
# placed over the estate (grid staff: their grid's estates) and the auditor.
PROPERTY_READERS = of(ADMIN, AUDITOR, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY, GRID_HEAD, GRID_WORKER)
# The grid academy's readers by place: the population roles placed at the community or above.
TRAINING_READERS = of(ADMIN, AUDITOR, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY)
# Social organisations: read by the place readers, kept by the place managers.
SOCIALORG_READERS = TRAINING_READERS
SOCIALORG_MANAGERS = of(ADMIN, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY)
# Stairwells: kept by the staff of their place (grid staff too); read also by a household living there.
STAIRWELL_STAFF = of(ADMIN, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY, GRID_HEAD, GRID_WORKER)
STAIRWELL_READERS = STAIRWELL_STAFF | of(AUDITOR, RESIDENT)
# Campaigns: read by the staff of the place (grid up) and the auditor; kept by the place's managers.
CAMPAIGN_READERS = of(ADMIN, AUDITOR, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY, GRID_HEAD, GRID_WORKER)
CAMPAIGN_MANAGERS = of(ADMIN, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY)
# Resettlement: read by the managers of the place and the auditor.
RESETTLEMENT_READERS = of(ADMIN, AUDITOR, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY)
RESETTLEMENT_MANAGERS = of(ADMIN, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY)
# Councils (协商议事): read by place by the place readers (community staff, the subdistrict, district).
COUNCIL_READERS = of(ADMIN, AUDITOR, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY)
# Registers (台账): exported by the place staff (grid staff up) and the auditor, imported by the community's
# managers; a register's rows are the downloader's places only.
REGISTER_READERS = of(ADMIN, AUDITOR, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY, GRID_HEAD, GRID_WORKER)
REGISTER_IMPORTERS = of(ADMIN, COMMUNITY_WORKER, SECRETARY)
# 考核: sets and runs read by the place readers of the set's place and below; written by the district and
# the subdistrict office; a grid worker reads only their own sheet.
ASSESSMENT_READERS = of(ADMIN, AUDITOR, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY)
ASSESSMENT_WRITERS = of(ADMIN, SUBDISTRICT)


# Kinds a narrower account may still see district-wide, by design (docs/security.md says why).
WIDE_KINDS: dict[str, frozenset[str]] = {
    # a department takes tickets from the whole district, so it sees every grid (and its name)
    "grid": DISTRICT_WIDE | {Role.DEPARTMENT_HANDLER.value},
}
# Kinds whose answers are public by design: their bodies are not searched for B's texts.
NO_BODY_CHECK_KINDS = frozenset({"public"})


def wide_roles(kind: str) -> frozenset[str]:
    return WIDE_KINDS.get(kind.removeprefix("list:"), DISTRICT_WIDE)


@dataclass(frozen=True)
class Route:
    """``kind``: the object the path parameters point at; ``list:<kind>`` a list of them; "collection"
    a page or operation about no one object; "public" one open to anyone, by design.
    ``allow``: the columns that may get a 2xx. ``body``/``query``/``params``: what the probe sends."""

    kind: str
    allow: frozenset[str]
    body: dict[str, Any] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    logs_out: bool = False
    # kinds whose out-of-scope names this route shows by design (a comment at the row says why)
    shows: frozenset[str] = frozenset()


R = Route


# -- the one table: every route the project serves ------------------------------------------------
ROUTES: dict[str, Route] = {
    "GET /api/v1/overview": R("collection", ALL),
    "POST /api/v1/auth/login": R("collection", NOBODY),
    "POST /api/v1/auth/logout": R("collection", ALL, logs_out=True),
    "GET /api/v1/auth/me": R("collection", SIGNED_IN),
    "POST /api/v1/auth/otp/request": R("collection", NOBODY),
    "POST /api/v1/auth/otp/verify": R("collection", NOBODY),
    "GET /api/v1/grids": R("list:grid", SIGNED_IN),
    "GET /api/v1/grids/geojson": R("collection", SIGNED_IN),
    "POST /api/v1/grids/import": R("collection", NOBODY),
    "GET /api/v1/grids/locate": R("collection", NOBODY),
    "GET /api/v1/grids/band-report": R("collection", SIGNED_IN),
    "GET /api/v1/grids/{code}": R("grid", SIGNED_IN),
    "POST /api/v1/grids/{code}/team": R("grid", NOBODY),
    "PATCH /api/v1/grids/{code}/team/{member_id}": R("grid", NOBODY),
    "DELETE /api/v1/grids/{code}/team/{member_id}": R("grid", NOBODY),
    "GET /api/v1/persons": R("list:person", SIGNED_IN),
    "POST /api/v1/persons": R("list:person", POPULATION_EDIT),
    "GET /api/v1/persons/export.xlsx": R("collection", POPULATION),
    "GET /api/v1/persons/import-template.xlsx": R("collection", SIGNED_IN),
    "POST /api/v1/persons/import": R("collection", NOBODY),
    # a large population file goes to a background job (gongzhi.jobs); its progress is the starter's only
    "POST /api/v1/persons/import-jobs": R("collection", NOBODY),
    "GET /api/v1/jobs/": R("collection", SIGNED_IN),
    "GET /api/v1/jobs/{job_id}": R("job", of(GRID_WORKER)),
    "POST /api/v1/jobs/{job_id}/cancel": R("job", of(GRID_WORKER)),
    "GET /api/v1/jobs/{job_id}/result": R("job", NOBODY),  # the world's jobs have no result file
    "GET /api/v1/persons/imports/{import_id}": R("import", NOBODY),
    "GET /api/v1/persons/imports/{import_id}/errors.xlsx": R("import", NOBODY),
    "GET /api/v1/households/{household_id}": R(
        "household",
        of(ADMIN, AUDITOR, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY, GRID_HEAD, GRID_WORKER, RESIDENT),
    ),
    "GET /api/v1/persons/{person_id}/timeline": R(
        "person",
        of(ADMIN, AUDITOR, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY, GRID_HEAD, GRID_WORKER, RESIDENT),
    ),
    "PATCH /api/v1/persons/{person_id}": R("person", POPULATION_EDIT),
    "GET /api/v1/persons/{person_id}": R(
        "person",
        of(ADMIN, AUDITOR, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY, GRID_HEAD, GRID_WORKER, RESIDENT),
    ),
    "POST /api/v1/persons/{person_id}/reveal": R(
        "person", frozenset(REVEALERS), body={"field": "phone", "reason": "入户走访"}
    ),
    "GET /api/v1/party/organizations": R("collection", SIGNED_IN),
    "GET /api/v1/party/communities/{code}/branch-proposal": R(
        "community", of(ADMIN, AUDITOR, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY)
    ),
    "POST /api/v1/party/communities/{code}/branch-layout": R("community", of(ADMIN, SECRETARY)),
    "GET /api/v1/party/coverage": R("collection", SIGNED_IN),
    # Community-managed members, transfers and the members' import (party.api.members).
    "GET /api/v1/party/members": R("list:party_member", SIGNED_IN),
    "POST /api/v1/party/members": R("collection", NOBODY),
    "POST /api/v1/party/members/import": R("collection", NOBODY),
    "PATCH /api/v1/party/members/{member_id}": R("party_member", NOBODY, body={"joined_on": "2999-01-01"}),
    "POST /api/v1/party/members/{member_id}/end": R("party_member", NOBODY),
    "POST /api/v1/party/members/{member_id}/transfer-out": R("party_member", NOBODY),
    "GET /api/v1/party/transfers": R("list:transfer", SIGNED_IN),
    "POST /api/v1/party/transfers": R("collection", NOBODY),
    "POST /api/v1/party/transfers/bulk": R("collection", NOBODY),
    # accepted by the community's managers (the world's transfers were recorded by the system)
    "POST /api/v1/party/transfers/{transfer_id}/accept": R(
        "transfer", of(ADMIN, COMMUNITY_WORKER, SECRETARY)
    ),
    "POST /api/v1/party/transfers/{transfer_id}/return": R(
        "transfer", of(ADMIN, COMMUNITY_WORKER, SECRETARY)
    ),
    "POST /api/v1/party/transfer-batches/{batch}/accept": R(
        "transfer_batch", of(ADMIN, COMMUNITY_WORKER, SECRETARY)
    ),
    "POST /api/v1/party/organizations": R("collection", NOBODY),
    "PATCH /api/v1/party/organizations/{org_id}": R("party_org", NOBODY),
    "GET /api/v1/party/communities/{code}/branch-diff": R(
        "community", of(ADMIN, AUDITOR, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY)
    ),
    "POST /api/v1/party/units": R("list:unit", NOBODY),
    "GET /api/v1/party/units": R("list:unit", SIGNED_IN),
    "GET /api/v1/party/units/{unit_id}": R(
        "unit", of(ADMIN, AUDITOR, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY, LIAISON)
    ),
    "POST /api/v1/party/registrations": R("list:registration", NOBODY),
    "GET /api/v1/party/registrations": R("list:registration", SIGNED_IN),
    "GET /api/v1/party/registrations/{registration_id}": R(
        "registration", of(ADMIN, AUDITOR, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY, LIAISON, MEMBER)
    ),
    "POST /api/v1/party/registrations/{registration_id}/accept": R("registration", NOBODY),
    "POST /api/v1/party/registrations/{registration_id}/return": R(
        "registration", of(ADMIN, COMMUNITY_WORKER, SECRETARY)
    ),
    "GET /api/v1/party/registrations/{registration_id}/card.pdf": R("registration", NOBODY),
    "GET /api/v1/party/items": R("list:item", SIGNED_IN),
    "POST /api/v1/party/items": R("collection", of(COMMUNITY_WORKER, SECRETARY)),
    "POST /api/v1/party/items/{item_id}/close": R("item", of(COMMUNITY_WORKER, SECRETARY)),
    "GET /api/v1/party/claims": R("collection", SIGNED_IN),
    # A member claims for themself, a liaison for their unit, community staff for either (party.services.serving).
    "POST /api/v1/party/claims": R(
        "collection",
        frozenset(
            {Role.PARTY_MEMBER.value, Role.UNIT_LIAISON.value, Role.COMMUNITY_WORKER.value}
            | {Role.COMMUNITY_SECRETARY.value}
        ),
    ),
    "POST /api/v1/party/claims/{claim_id}/withdraw": R("claim", NOBODY),
    "POST /api/v1/party/claims/{claim_id}/complete": R("claim", NOBODY),
    "POST /api/v1/party/records": R("collection", NOBODY),
    "GET /api/v1/party/records": R("collection", SIGNED_IN),
    "POST /api/v1/party/records/{record_id}/confirm": R("record", NOBODY),
    "POST /api/v1/party/records/{record_id}/reject": R("record", NOBODY),
    "POST /api/v1/party/letters/issue": R("collection", NOBODY),
    "GET /api/v1/party/letters": R("collection", SIGNED_IN),
    "GET /api/v1/party/letters/export.xlsx": R("collection", SIGNED_IN),
    "GET /api/v1/party/letters/{letter_id}.pdf": R("letter", NOBODY),
    "PUT /api/v1/party/assessment/scheme": R("collection", NOBODY),
    "POST /api/v1/party/assessment/run": R("collection", NOBODY),
    "GET /api/v1/party/assessment/ranking": R("collection", NOBODY),
    "GET /api/v1/party/assessment/ranking.xlsx": R("collection", NOBODY),
    "GET /api/v1/workdays/years": R(
        "collection",
        of(
            ADMIN,
            AUDITOR,
            SUBDISTRICT,
            COMMUNITY_WORKER,
            SECRETARY,
            GRID_HEAD,
            GRID_WORKER,
            DEPARTMENT,
            LIAISON,
            MEMBER,
        ),
    ),
    "GET /api/v1/workdays/years/{year}": R(
        "workday_year",
        of(
            ADMIN,
            AUDITOR,
            SUBDISTRICT,
            COMMUNITY_WORKER,
            SECRETARY,
            GRID_HEAD,
            GRID_WORKER,
            DEPARTMENT,
            LIAISON,
            MEMBER,
        ),
    ),
    "PUT /api/v1/workdays/years/{year}": R("workday_year", NOBODY),
    "DELETE /api/v1/workdays/years/{year}": R("workday_year", NOBODY),
    "GET /api/v1/workdays/deadline": R("collection", NOBODY),
    "GET /api/v1/tickets/indicators": R("collection", STAFF),
    "POST /api/v1/tickets/hotline-import": R("collection", NOBODY),
    "POST /api/v1/tickets/hotline-import-jobs": R("collection", NOBODY),
    "GET /api/v1/tickets/hotline-imports": R("collection", SIGNED_IN),
    "GET /api/v1/tickets/hotline-imports/{import_id}": R("import", NOBODY),
    "GET /api/v1/tickets/hotline-imports/{import_id}/errors.xlsx": R("import", NOBODY),
    "GET /api/v1/tickets/hotline-import-template.xlsx": R("collection", SIGNED_IN),
    "GET /api/v1/tickets/category-admin": R("collection", of(ADMIN)),
    "POST /api/v1/tickets/category-admin": R("collection", NOBODY),
    "PATCH /api/v1/tickets/category-admin/{code}": R("category", NOBODY),
    "POST /api/v1/tickets/patrols": R("list:patrol", NOBODY),
    "GET /api/v1/tickets/patrols": R("list:patrol", SIGNED_IN),
    "GET /api/v1/tickets/patrols/coverage": R("collection", POPULATION),
    "GET /api/v1/tickets/patrols/summary": R("collection", POPULATION),
    "GET /api/v1/tickets/patrols/{patrol_id}": R("patrol", POPULATION),
    "POST /api/v1/tickets/patrols/{patrol_id}/check-in": R("patrol", NOBODY),
    "POST /api/v1/tickets/patrols/{patrol_id}/end": R("patrol", of(GRID_WORKER)),
    "POST /api/v1/tickets": R("list:ticket", SIGNED_IN),
    "GET /api/v1/tickets": R("list:ticket", SIGNED_IN),
    "GET /api/v1/tickets/inbox-counts": R("collection", SIGNED_IN),
    "GET /api/v1/tickets/categories": R("collection", ALL),
    "GET /api/v1/tickets/photos/{photo_id}": R("photo", NOBODY),
    "GET /api/v1/tickets/{ticket_id}": R(
        "ticket",
        of(ADMIN, AUDITOR, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY, GRID_HEAD, GRID_WORKER, RESIDENT),
    ),
    # The reporter's number for the callback: who may call back (community staff, the first responder)
    # while the ticket waits for it; the probe's ticket does not, so nobody gets a 2xx.
    "POST /api/v1/tickets/{ticket_id}/reporter-phone": R("ticket", NOBODY),
    "POST /api/v1/tickets/{ticket_id}/{action}": R(
        "ticket", of(ADMIN, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY, GRID_HEAD, GRID_WORKER)
    ),
    # Routing (智能分拨): a suggestion for a text stores nothing; a ticket's suggestion follows its place.
    "POST /api/v1/routing/classify": R("collection", POPULATION, body={"text": "楼道里的路灯不亮了"}),
    "GET /api/v1/routing/tickets/{ticket_id}/suggestion": R("ticket", POPULATION),
    "GET /api/v1/routing/accuracy": R("collection", POPULATION),
    "GET /api/v1/volunteers/teams": R("list:team", SIGNED_IN),
    "POST /api/v1/volunteers/teams": R("list:team", of(ADMIN, COMMUNITY_WORKER, SECRETARY)),
    "GET /api/v1/volunteers/teams/{team_id}": R("team", POPULATION),
    "POST /api/v1/volunteers/teams/{team_id}/members": R("team", of(ADMIN, COMMUNITY_WORKER, SECRETARY)),
    "GET /api/v1/volunteers/volunteers": R("collection", SIGNED_IN),
    "GET /api/v1/volunteers/me": R("collection", SIGNED_IN),
    "PUT /api/v1/volunteers/me": R("collection", of(MEMBER)),
    "GET /api/v1/volunteers/activities": R("list:activity", SIGNED_IN),
    "POST /api/v1/volunteers/activities": R("list:activity", NOBODY),
    "POST /api/v1/volunteers/activities/{activity_id}/cancel": R("activity", NOBODY),
    "GET /api/v1/volunteers/activities/{activity_id}/sessions": R("activity", POPULATION),
    "GET /api/v1/volunteers/sessions/open": R("collection", SIGNED_IN),
    "POST /api/v1/volunteers/sessions/{session_id}/signups": R("session", of(MEMBER)),
    "POST /api/v1/volunteers/signups/{signup_id}/cancel": R(
        "signup", of(ADMIN, COMMUNITY_WORKER, SECRETARY, MEMBER)
    ),
    "GET /api/v1/volunteers/signups/mine": R("collection", SIGNED_IN),
    "POST /api/v1/volunteers/scan/{token}": R("token", NOBODY),
    "POST /api/v1/volunteers/sessions/{session_id}/attendances": R("session", NOBODY),
    "POST /api/v1/volunteers/attendances/{attendance_id}/check-out": R("attendance", NOBODY),
    "GET /api/v1/volunteers/hours": R("collection", SIGNED_IN),
    "POST /api/v1/volunteers/hours/{hours_id}/confirm": R("hours", NOBODY),
    "POST /api/v1/volunteers/hours/{hours_id}/reject": R("hours", NOBODY),
    "POST /api/v1/volunteers/hours/{hours_id}/edit-requests": R("hours", NOBODY),
    "POST /api/v1/volunteers/edit-requests/{request_id}/decide": R("edit_request", NOBODY),
    "GET /api/v1/volunteers/certificates": R("collection", SIGNED_IN),
    "POST /api/v1/volunteers/certificates": R("collection", NOBODY),
    "GET /api/v1/volunteers/certificates/{certificate_id}.pdf": R("certificate", NOBODY),
    "GET /api/v1/volunteers/counts": R("collection", SIGNED_IN),
    "GET /api/v1/care/overdue": R("collection", POPULATION),
    "GET /api/v1/care/figures": R("collection", POPULATION),
    "GET /api/v1/mediation/cases": R("list:mediation_case", SIGNED_IN),
    "POST /api/v1/mediation/cases": R("collection", NOBODY),
    "GET /api/v1/mediation/cases/{case_id}": R("mediation_case", MEDIATION_CASE_READERS),
    "POST /api/v1/mediation/cases/{case_id}/sessions": R("mediation_case", NOBODY),
    "POST /api/v1/mediation/cases/{case_id}/agreement": R("mediation_case", NOBODY),
    "GET /api/v1/mediation/warnings": R("list:mediation_warning", SIGNED_IN),
    "POST /api/v1/mediation/warnings/run": R("collection", NOBODY),
    "GET /api/v1/mediation/figures": R("collection", SIGNED_IN),
    # the public mediator pool: names, kinds, specialities and committees, no contact data, by design
    "GET /api/v1/mediation/public/mediators": R("public", ALL),
    # 服务阵地 (venues): every placed role sees its places' venues (grid staff: their grid's community;
    # a resident: their household's community); only the managers inspect and cancel any booking.
    "GET /api/v1/venues/venues": R("list:venue", SIGNED_IN),
    "POST /api/v1/venues/venues": R("collection", NOBODY),
    "GET /api/v1/venues/venues/{venue_id}": R("venue", SIGNED_IN - {DEPARTMENT.value}),
    "GET /api/v1/venues/venues/{venue_id}/bookings": R("venue", SIGNED_IN - {DEPARTMENT.value}),
    "POST /api/v1/venues/venues/{venue_id}/bookings": R("venue", NOBODY),
    "POST /api/v1/venues/venues/{venue_id}/inspections": R(
        "venue", of(ADMIN, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY)
    ),
    "POST /api/v1/venues/bookings/{booking_id}/cancel": R(
        "booking", of(ADMIN, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY)
    ),
    "GET /api/v1/venues/coverage": R("collection", SIGNED_IN),
    "GET /api/v1/venues/geojson": R("collection", SIGNED_IN),
    # 网格学院 (training): read by the population roles of the place; the trainee reads their certificate.
    # campaigns (联合行动与巡查): the staff of the place read; the managers keep; the A grid worker walks the A round
    "GET /api/v1/campaigns": R("list:campaign", SIGNED_IN),
    "POST /api/v1/campaigns": R("collection", NOBODY),
    "GET /api/v1/campaigns/finding-types": R("collection", SIGNED_IN),
    "GET /api/v1/campaigns/{campaign_id}": R("campaign", CAMPAIGN_READERS),
    "POST /api/v1/campaigns/{campaign_id}/close": R("campaign", CAMPAIGN_MANAGERS),
    "GET /api/v1/campaigns/{campaign_id}/findings": R("campaign", CAMPAIGN_READERS),
    "POST /api/v1/campaigns/{campaign_id}/findings": R("campaign", NOBODY),
    "POST /api/v1/campaigns/duties/{duty_id}/checks": R(
        "inspection_duty", CAMPAIGN_MANAGERS | of(GRID_WORKER)
    ),
    # resettlement (安置房分配): the managers of the place and the auditor
    "GET /api/v1/resettlement/projects": R("list:resettlement_project", SIGNED_IN),
    "GET /api/v1/resettlement/projects/{project_id}": R("resettlement_project", RESETTLEMENT_READERS),
    "GET /api/v1/resettlement/projects/{project_id}/draw": R("resettlement_project", RESETTLEMENT_READERS),
    "POST /api/v1/resettlement/households/{household_id}/choices": R(
        "eligible_household", RESETTLEMENT_MANAGERS
    ),
    "GET /api/v1/training/plans": R("list:training_plan", SIGNED_IN),
    "POST /api/v1/training/plans": R("collection", NOBODY),
    "GET /api/v1/training/courses": R("list:course", SIGNED_IN),
    "POST /api/v1/training/courses": R("collection", NOBODY),
    "POST /api/v1/training/courses/{course_id}/sessions": R("course", NOBODY),
    "POST /api/v1/training/courses/{course_id}/certificates": R("course", NOBODY),
    # the course's certificates as one PDF, a background job started by the course's managers (202)
    "POST /api/v1/training/courses/{course_id}/certificates-pdf-job": R(
        "course", of(ADMIN, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY)
    ),
    "GET /api/v1/training/sessions/{session_id}": R("training_session", TRAINING_READERS),
    "POST /api/v1/training/sessions/{session_id}/attendance": R(
        "training_session", NOBODY, body={"trainee_id": 999999}
    ),
    "POST /api/v1/training/scan": R("collection", NOBODY),
    "GET /api/v1/training/trainees": R("list:trainee", SIGNED_IN),
    "POST /api/v1/training/trainees": R("collection", NOBODY),
    "POST /api/v1/training/trainees/{trainee_id}/qualifications": R("trainee", NOBODY),
    "GET /api/v1/training/certificates/{certificate_id}.pdf": R(
        "completion_certificate", TRAINING_READERS | {GRID_WORKER.value}
    ),
    "GET /api/v1/training/figures": R("collection", SIGNED_IN),
    # 协商议事 (councils): read by place; writes refuse an empty probe; the public page needs a real id.
    "GET /api/v1/councils/": R("list:council", SIGNED_IN),
    "GET /api/v1/councils/{council_id}/topics": R("council", COUNCIL_READERS),
    # the probe's body is a valid topic: the council's managers (the community's staff, the admin) make it
    "POST /api/v1/councils/{council_id}/topics": R("council", of(ADMIN, COMMUNITY_WORKER, SECRETARY)),
    "POST /api/v1/councils/topics/{topic_id}/opinions": R("topic", NOBODY),
    "GET /api/v1/councils/figures": R("collection", COUNCIL_READERS),
    "GET /api/v1/councils/public/{council_id}": R("public", NOBODY),
    "GET /api/v1/cobuild/needs": R("list:need", SIGNED_IN),
    "POST /api/v1/cobuild/needs": R("list:need", NOBODY),
    "GET /api/v1/cobuild/needs/{need_id}": R(
        "need", of(ADMIN, AUDITOR, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY)
    ),
    "POST /api/v1/cobuild/needs/{need_id}/withdraw": R(
        "need", of(ADMIN, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY)
    ),
    "GET /api/v1/cobuild/needs/{need_id}/suggestions": R(
        "need", of(ADMIN, AUDITOR, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY)
    ),
    "GET /api/v1/cobuild/resources": R("collection", SIGNED_IN),
    "POST /api/v1/cobuild/resources": R("collection", NOBODY),
    "GET /api/v1/cobuild/projects": R("list:project", SIGNED_IN),
    "POST /api/v1/cobuild/projects": R("list:project", NOBODY),
    "GET /api/v1/cobuild/projects/{project_id}": R(
        "project", of(ADMIN, AUDITOR, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY, LIAISON, MEMBER)
    ),
    "POST /api/v1/cobuild/projects/{project_id}/claim": R(
        "project", of(ADMIN, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY, LIAISON)
    ),
    "POST /api/v1/cobuild/projects/{project_id}/sign": R("project", NOBODY),
    "GET /api/v1/cobuild/projects/{project_id}/agreement.pdf": R("project", NOBODY),
    "POST /api/v1/cobuild/projects/{project_id}/milestones": R(
        "project", of(ADMIN, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY)
    ),
    "POST /api/v1/cobuild/milestones/{milestone_id}/done": R("milestone", NOBODY),
    "POST /api/v1/cobuild/projects/{project_id}/deliveries": R("project", NOBODY),
    "POST /api/v1/cobuild/projects/{project_id}/complete": R("project", NOBODY),
    "POST /api/v1/cobuild/projects/{project_id}/cancel": R("project", NOBODY),
    "POST /api/v1/cobuild/projects/{project_id}/activities": R(
        "project", of(ADMIN, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY)
    ),
    "POST /api/v1/cobuild/projects/{project_id}/evaluations": R("project", NOBODY),
    "GET /api/v1/cobuild/public/projects": R("list:project", NOBODY),
    "POST /api/v1/cobuild/plans": R("collection", NOBODY),
    "GET /api/v1/cobuild/plans/{plan_id}": R("plan", NOBODY),
    "PATCH /api/v1/cobuild/plan-rows/{row_id}": R("plan_row", NOBODY),
    "POST /api/v1/cobuild/plans/{plan_id}/apply": R("plan", NOBODY),
    "POST /api/v1/cobuild/plans/{plan_id}/discard": R("plan", NOBODY),
    # the monitoring platforms' endpoints are authenticated by an HMAC signature, never a session: every
    # column (signed in or not) gets the 401 of an unsigned request
    "POST /api/v1/devices/events": R("collection", NOBODY),
    "POST /api/v1/devices/heartbeats": R("collection", NOBODY),
    "GET /api/v1/devices/": R("list:device", DEVICE_READERS),
    "GET /api/v1/devices/figures": R("collection", DEVICE_READERS),
    "GET /api/v1/points/rules": R("list:point_rule", SIGNED_IN),
    "POST /api/v1/points/rules/{rule_id}/revise": R("point_rule", NOBODY),
    "GET /api/v1/points/postings": R("list:posting", SIGNED_IN),
    "POST /api/v1/points/postings/{posting_id}/reverse": R("posting", NOBODY),
    "GET /api/v1/points/claims": R("list:point_claim", SIGNED_IN),
    "POST /api/v1/points/claims": R("list:point_claim", NOBODY),
    "POST /api/v1/points/claims/{claim_id}/decide": R("point_claim", NOBODY),
    "GET /api/v1/points/statement": R("collection", of(RESIDENT)),
    "GET /api/v1/points/goods": R("list:point_goods", SIGNED_IN),
    "POST /api/v1/points/redemptions": R("collection", NOBODY),
    # 积分公示榜: published to everyone (masked names, no ids)
    "GET /api/v1/points/board/{community_code}": R("public", NOBODY),
    # 社会组织: the readers of a place (its staff, the subdistrict office, the district admin and auditor);
    # the subdistrict decides on funds and runs the contest, whose judges score it
    "GET /api/v1/socialorgs/organizations": R("list:social_org", SIGNED_IN),
    "POST /api/v1/socialorgs/organizations": R("collection", NOBODY),
    "GET /api/v1/socialorgs/organizations/{organization_id}": R("social_org", SOCIALORG_READERS),
    "GET /api/v1/socialorgs/projects": R("list:funded_project", SIGNED_IN),
    "POST /api/v1/socialorgs/projects": R("collection", NOBODY),
    "GET /api/v1/socialorgs/projects/{project_id}": R("funded_project", SOCIALORG_READERS),
    "POST /api/v1/socialorgs/projects/{project_id}/reviews": R("funded_project", SOCIALORG_MANAGERS),
    "POST /api/v1/socialorgs/projects/{project_id}/decision": R("funded_project", of(ADMIN, SUBDISTRICT)),
    "POST /api/v1/socialorgs/projects/{project_id}/deliveries": R("funded_project", SOCIALORG_MANAGERS),
    "POST /api/v1/socialorgs/projects/{project_id}/close": R("funded_project", of(ADMIN, SUBDISTRICT)),
    "GET /api/v1/socialorgs/contests/{contest_id}": R("contest", SOCIALORG_READERS),
    "POST /api/v1/socialorgs/entries/{entry_id}/score": R("contest_entry", of(ADMIN)),
    "GET /api/v1/socialorgs/workers": R("list:social_worker", SIGNED_IN),
    "GET /api/v1/socialorgs/figures": R("collection", SIGNED_IN),
    # 文明楼道: the staff of a place and the households living on a stairwell
    "GET /api/v1/stairwells/stairwells": R("list:stairwell", SIGNED_IN),
    "GET /api/v1/stairwells/stairwells/{stairwell_id}": R("stairwell", STAIRWELL_READERS),
    "POST /api/v1/stairwells/stairwells/{stairwell_id}/inspections": R("stairwell", STAIRWELL_STAFF),
    "POST /api/v1/stairwells/elections/{election_id}/votes": R("election", of(RESIDENT)),
    "POST /api/v1/stairwells/stairwells/{stairwell_id}/red-captain": R("stairwell", of(MEMBER)),
    "GET /api/v1/stairwells/figures": R("collection", SIGNED_IN),
    "GET /console/": R("collection", STAFF),
    "GET /console/login/": R("collection", of(ANON)),
    "POST /console/logout/": R("collection", NOBODY, logs_out=True),
    "GET /console/audit/": R("collection", of(ADMIN, AUDITOR, SUBDISTRICT, SECRETARY)),
    "GET /console/places/tree/": R("collection", STAFF),
    "GET /console/places/map/": R("collection", STAFF),
    "GET /console/places/band-report/": R("collection", STAFF),
    "GET /console/places/grids/import/": R("collection", of(ADMIN)),
    "GET /console/places/grids/export.geojson": R("collection", STAFF),
    "GET /console/places/grids/{code}/": R("grid", STAFF),
    "POST /console/places/grids/{code}/": R("grid", STAFF),
    "POST /console/places/grids/{code}/team/": R("grid", NOBODY),
    "POST /console/places/grids/{code}/team/{member_id}/edit/": R("grid", NOBODY),
    "POST /console/places/grids/{code}/team/{member_id}/remove/": R("grid", NOBODY),
    # background jobs: only the person who started one sees it (the world's A job is a grid worker's)
    "GET /console/jobs/": R("collection", STAFF),
    "GET /console/jobs/system/": R("public", ALL),  # the demo build's progress: no personal data
    "GET /console/jobs/{job_id}/": R("job", of(GRID_WORKER)),
    "GET /console/jobs/{job_id}/progress/": R("job", of(GRID_WORKER)),
    "POST /console/jobs/{job_id}/cancel/": R("job", of(GRID_WORKER)),
    "GET /console/jobs/{job_id}/result/": R("job", NOBODY),
    "GET /console/people/": R("list:person", STAFF),
    "GET /console/people/import/": R("collection", STAFF),
    "GET /console/people/import/template.xlsx": R("collection", STAFF),
    "GET /console/people/imports/{import_id}/errors.xlsx": R("import", NOBODY),
    "GET /console/people/export.xlsx": R("collection", POPULATION),
    "GET /console/people/households/new/": R("collection", POPULATION_EDIT),
    "GET /console/people/households/{household_id}/": R("household", POPULATION),
    "GET /console/people/households/{household_id}/members/new/": R("household", POPULATION_EDIT),
    "POST /console/people/households/{household_id}/members/new/": R("household", POPULATION_EDIT),
    "GET /console/people/{person_id}/": R("person", POPULATION),
    "GET /console/people/{person_id}/edit/": R("person", POPULATION_EDIT),
    "POST /console/people/{person_id}/edit/": R("person", POPULATION_EDIT),
    "POST /console/people/{person_id}/reveal/": R(
        "person", frozenset(REVEALERS), body={"field": "phone", "reason": "入户走访"}
    ),
    "GET /console/people/{person_id}/timeline/": R("person", POPULATION),
    "GET /console/party/organizations/": R("collection", STAFF),
    "GET /console/party/communities/{code}/branches/": R(
        "community", of(ADMIN, AUDITOR, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY)
    ),
    "POST /console/party/communities/{code}/branches/": R("community", NOBODY),
    "GET /console/party/members/": R("collection", STAFF),
    "GET /console/party/members/new/": R("collection", STAFF),
    "POST /console/party/members/new/": R("collection", NOBODY),
    "GET /console/party/members/import/": R("collection", STAFF),
    "POST /console/party/members/import/": R("collection", NOBODY),
    "GET /console/party/members/import/template.xlsx": R("collection", STAFF),
    "GET /console/party/members/imports/{import_id}/errors.xlsx": R(
        "member_import", of(ADMIN, COMMUNITY_WORKER, SECRETARY)
    ),
    "GET /console/party/members/{member_id}/": R("party_member", POPULATION),
    "POST /console/party/members/{member_id}/": R("party_member", NOBODY),
    "GET /console/party/transfers/": R("collection", STAFF),
    "POST /console/party/transfers/": R("collection", NOBODY),
    "POST /console/party/transfers/{transfer_id}/decide/": R("transfer", NOBODY),
    "POST /console/party/transfer-batches/{batch}/accept/": R("transfer_batch", NOBODY),
    "GET /console/party/organizations/new/": R("collection", STAFF),
    "POST /console/party/organizations/new/": R("collection", NOBODY),
    "GET /console/party/organizations/{org_id}/": R(
        "party_org", of(ADMIN, AUDITOR, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY)
    ),
    "POST /console/party/organizations/{org_id}/": R("party_org", NOBODY),
    "GET /console/party/communities/{code}/coverage.pdf": R(
        "community", of(ADMIN, AUDITOR, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY)
    ),
    "GET /console/party/communities/{code}/coverage.xlsx": R(
        "community", of(ADMIN, AUDITOR, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY)
    ),
    "GET /console/party/units/": R("list:unit", STAFF),
    "GET /console/party/units/new/": R("collection", of(ADMIN, COMMUNITY_WORKER, SECRETARY)),
    "GET /console/party/registrations/": R("list:registration", STAFF),
    "GET /console/party/registrations/{registration_id}/": R(
        "registration", of(ADMIN, AUDITOR, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY)
    ),
    "POST /console/party/registrations/{registration_id}/accept/": R("registration", NOBODY),
    "POST /console/party/registrations/{registration_id}/return/": R("registration", NOBODY),
    "GET /console/party/registrations/{registration_id}/card.pdf": R("registration", NOBODY),
    "GET /console/party/serving/items/": R("list:item", STAFF),
    "POST /console/party/serving/items/{item_id}/close/": R("item", NOBODY),
    "GET /console/party/serving/records/": R("collection", STAFF),
    "POST /console/party/serving/records/{record_id}/confirm/": R("record", NOBODY),
    "POST /console/party/serving/records/{record_id}/reject/": R("record", NOBODY),
    "GET /console/party/serving/letters/": R("collection", STAFF),
    "GET /console/party/serving/letters/export.xlsx": R("collection", STAFF),
    "GET /console/party/serving/letters/{letter_id}.pdf": R("letter", NOBODY),
    "GET /console/party/serving/ranking/": R("collection", STAFF),
    "GET /console/party/serving/ranking.xlsx": R("collection", NOBODY),
    "GET /console/workdays/": R("collection", STAFF),
    "POST /console/workdays/{year}/delete/": R("workday_year", NOBODY),
    "GET /console/tickets/indicators/": R("collection", STAFF),
    "GET /console/tickets/": R("list:ticket", STAFF),
    "GET /console/tickets/export.xlsx": R("collection", STAFF),
    "GET /console/tickets/new/": R(
        "collection", of(ADMIN, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY, GRID_HEAD, GRID_WORKER)
    ),
    "GET /console/tickets/supervision/": R("collection", STAFF),
    # the grid map's layer of open and overdue tickets: the user's scope only
    "GET /console/tickets/map-points/": R("list:ticket", STAFF),
    "GET /console/tickets/categories/": R("collection", STAFF),
    "GET /console/tickets/{ticket_id}/": R("ticket", POPULATION),
    "POST /console/tickets/{ticket_id}/reporter-phone/": R("ticket", NOBODY),
    "POST /console/tickets/{ticket_id}/{action}/": R("ticket", NOBODY),
    "GET /console/tickets/settings/": R("collection", of(ADMIN)),
    "POST /console/tickets/settings/": R("collection", NOBODY),
    "GET /console/tickets/hotline/": R("collection", STAFF),
    "GET /console/tickets/hotline/template.xlsx": R("collection", STAFF),
    "GET /console/tickets/hotline/{import_id}/errors.xlsx": R("import", NOBODY),
    "GET /console/tickets/appointment/": R("collection", of(COMMUNITY_WORKER, SECRETARY)),
    "GET /console/tickets/categories/edit/": R("collection", of(ADMIN)),
    "POST /console/tickets/categories/edit/new/": R("collection", NOBODY),
    "POST /console/tickets/categories/edit/{code}/": R("category", NOBODY),
    "GET /console/tickets/patrol/": R("collection", of(GRID_HEAD, GRID_WORKER)),
    "POST /console/tickets/patrol/start/": R("collection", NOBODY),
    "POST /console/tickets/patrol/{patrol_id}/check-in/": R("patrol", NOBODY),
    "POST /console/tickets/patrol/{patrol_id}/report/": R("patrol", NOBODY),
    "POST /console/tickets/patrol/{patrol_id}/end/": R("patrol", NOBODY),
    "GET /console/tickets/patrols/coverage/": R("collection", POPULATION),
    "GET /console/tickets/patrols/summary/": R("collection", POPULATION),
    "GET /console/open311/": R("collection", of(ADMIN)),
    "POST /console/open311/{key_id}/revoke": R("open311_key", NOBODY),
    "GET /open311/v2/discovery.{fmt}": R("public", ALL),
    "GET /open311/v2/services.{fmt}": R("public", ALL),
    "GET /open311/v2/services/{service_code}.{fmt}": R("category", NOBODY),
    "GET /open311/v2/requests.{fmt}": R("public", ALL),
    "POST /open311/v2/requests.{fmt}": R("collection", NOBODY),
    "GET /open311/v2/requests/{service_request_id}.{fmt}": R("public", ALL),
    "GET /open311/v2/tokens/{token}.{fmt}": R("token", NOBODY),
    "GET /open311/v2/servicerequestupdates.{fmt}": R("public", ALL),
    "GET /open311/v2/{rest}": R("public", NOBODY),
    # care: the population roles of a place; the need-to-know roster only with a grant (the A grid worker)
    "GET /console/care/": R("collection", POPULATION),
    "GET /console/care/overdue/": R("collection", POPULATION),
    "GET /console/care/persons/{person_id}/": R("person", POPULATION),
    "POST /console/care/persons/{person_id}/": R("person", NOBODY),
    "POST /console/care/members/{membership_id}/exit/": R("membership", NOBODY),
    "GET /console/care/sensitive/": R("collection", of(GRID_WORKER)),
    "POST /console/care/sensitive/": R("collection", NOBODY),
    "GET /console/care/grants/": R("collection", of(ADMIN)),
    "POST /console/care/grants/": R("collection", NOBODY),
    "POST /console/care/grants/{grant_id}/revoke/": R("grant", NOBODY),
    "GET /console/care/visits/": R("collection", POPULATION),
    "GET /console/care/visits/new/{person_id}/": R("person", POPULATION),
    "POST /console/care/visits/new/{person_id}/": R("person", NOBODY),
    "GET /console/care/visits/{visit_id}/": R("visit", POPULATION),
    "POST /console/care/visits/{visit_id}/outcome/": R("visit", NOBODY),
    "GET /console/care/photos/{photo_id}/": R("visit_photo", POPULATION),
    "GET /console/care/care-visits/": R("collection", POPULATION),
    "POST /console/care/care-visits/": R("collection", NOBODY),
    "GET /console/care/registers/visits.xlsx": R(
        "collection", POPULATION, query={"grid_code": "370115001001001"}
    ),
    "GET /console/care/registers/visits.pdf": R(
        "collection", POPULATION, query={"grid_code": "370115001001001"}
    ),
    "GET /console/care/registers/roster.xlsx": R("collection", POPULATION, query={"place": "370115001001"}),
    "GET /console/care/registers/roster.pdf": R("collection", POPULATION, query={"place": "370115001001"}),
    "GET /console/care/registers/care-visits.xlsx": R(
        "collection", POPULATION, query={"place": "370115001001"}
    ),
    "GET /console/care/registers/care-visits.pdf": R(
        "collection", POPULATION, query={"place": "370115001001"}
    ),
    "GET /console/mediation/": R("list:mediation_case", MEDIATION_VIEWERS),
    "POST /console/mediation/": R("collection", NOBODY),
    "GET /console/mediation/cases/{case_id}/": R("mediation_case", MEDIATION_CASE_READERS),
    "POST /console/mediation/cases/{case_id}/parties/": R("mediation_case", NOBODY),
    "GET /console/mediation/cases/{case_id}/agreement.pdf": R("mediation_case", NOBODY),
    "GET /console/mediation/cases/{case_id}/case-file.pdf": R("mediation_case", MEDIATION_HANDLERS),
    "POST /console/mediation/cases/{case_id}/admit/": R("mediation_case", NOBODY),
    "POST /console/mediation/cases/{case_id}/refuse/": R("mediation_case", NOBODY),
    "POST /console/mediation/cases/{case_id}/session/": R("mediation_case", NOBODY),
    "POST /console/mediation/cases/{case_id}/extend/": R("mediation_case", NOBODY),
    "POST /console/mediation/cases/{case_id}/report-up/": R("mediation_case", NOBODY),
    "POST /console/mediation/cases/{case_id}/reply/": R("mediation_case", NOBODY),
    "POST /console/mediation/cases/{case_id}/agree/": R("mediation_case", NOBODY),
    "POST /console/mediation/cases/{case_id}/fail/": R("mediation_case", NOBODY),
    "POST /console/mediation/cases/{case_id}/transfer/": R("mediation_case", NOBODY),
    "POST /console/mediation/cases/{case_id}/follow-up/": R("mediation_case", NOBODY),
    "POST /console/mediation/cases/{case_id}/close/": R("mediation_case", NOBODY),
    "POST /console/mediation/parties/{disputant_id}/reveal/": R("disputant", NOBODY),
    "GET /console/mediation/committees/": R("list:mediation_committee", MEDIATION_VIEWERS),
    "POST /console/mediation/committees/entries/": R("collection", NOBODY),
    "POST /console/mediation/committees/new/": R("collection", NOBODY),
    "POST /console/mediation/committees/{committee_id}/edit/": R("mediation_committee", NOBODY),
    "POST /console/mediation/committees/{committee_id}/deactivate/": R("mediation_committee", NOBODY),
    "POST /console/mediation/committees/{committee_id}/rooms/": R("mediation_committee", NOBODY),
    "POST /console/mediation/committees/rooms/{room_id}/edit/": R("mediation_room", NOBODY),
    "POST /console/mediation/committees/{committee_id}/mediators/": R("mediation_committee", NOBODY),
    "POST /console/mediation/committees/mediators/{mediator_id}/deactivate/": R("mediator", NOBODY),
    "GET /console/mediation/committees/{committee_id}/visits.pdf": R(
        "mediation_committee", MEDIATION_HANDLERS
    ),
    "GET /console/mediation/committees/{committee_id}/visits.xlsx": R(
        "mediation_committee", MEDIATION_HANDLERS
    ),
    "GET /console/mediation/committees/{committee_id}/consultations.pdf": R(
        "mediation_committee", MEDIATION_HANDLERS
    ),
    "GET /console/mediation/committees/{committee_id}/consultations.xlsx": R(
        "mediation_committee", MEDIATION_HANDLERS
    ),
    "GET /console/mediation/committees/{committee_id}/cases.pdf": R(
        "mediation_committee", MEDIATION_HANDLERS
    ),
    "GET /console/mediation/committees/{committee_id}/cases.xlsx": R(
        "mediation_committee", MEDIATION_HANDLERS
    ),
    "GET /console/mediation/committees/{committee_id}/meetings.pdf": R(
        "mediation_committee", MEDIATION_HANDLERS
    ),
    "GET /console/mediation/committees/{committee_id}/meetings.xlsx": R(
        "mediation_committee", MEDIATION_HANDLERS
    ),
    "GET /console/mediation/screenings/": R("collection", MEDIATION_VIEWERS),
    "POST /console/mediation/screenings/": R("collection", NOBODY),
    "GET /console/mediation/figures/": R("collection", MEDIATION_VIEWERS),
    "GET /console/mediation/warnings/": R("list:mediation_warning", MEDIATION_VIEWERS),
    "POST /console/mediation/warnings/": R("collection", NOBODY),
    "POST /console/mediation/warnings/{warning_id}/hand-over/": R("mediation_warning", NOBODY),
    "POST /console/mediation/warnings/{warning_id}/close/": R("mediation_warning", NOBODY),
    "GET /console/venues/": R("collection", STAFF),
    "GET /console/venues/map/": R("collection", STAFF),
    "GET /console/venues/{venue_id}/": R("venue", TRAINING_READERS | {GRID_HEAD.value, GRID_WORKER.value}),
    "POST /console/venues/{venue_id}/book/": R("venue", NOBODY),
    "POST /console/venues/{venue_id}/inspect/": R("venue", NOBODY),
    "POST /console/venues/bookings/{booking_id}/cancel/": R("booking", NOBODY),
    "GET /console/campaigns/": R("collection", CAMPAIGN_READERS),
    "POST /console/campaigns/": R("collection", NOBODY),
    "GET /console/campaigns/{campaign_id}/": R("campaign", CAMPAIGN_READERS),
    "POST /console/campaigns/{campaign_id}/duties/": R("campaign", NOBODY),
    "POST /console/campaigns/{campaign_id}/close/": R("campaign", NOBODY),
    "GET /console/campaigns/photos/{photo_id}/": R("finding_photo", CAMPAIGN_READERS),
    "GET /console/campaigns/types/": R("collection", CAMPAIGN_READERS),
    "POST /console/campaigns/types/": R("collection", NOBODY),
    "GET /console/campaigns/missed/": R("collection", CAMPAIGN_READERS),
    "GET /console/resettlement/": R("collection", RESETTLEMENT_READERS),
    "POST /console/resettlement/": R("collection", NOBODY),
    "GET /console/resettlement/{project_id}/": R("resettlement_project", RESETTLEMENT_READERS),
    "POST /console/resettlement/{project_id}/groups/": R("resettlement_project", NOBODY),
    "POST /console/resettlement/{project_id}/meetings/": R("resettlement_project", NOBODY),
    "POST /console/resettlement/{project_id}/documents/": R("resettlement_project", NOBODY),
    "POST /console/resettlement/{project_id}/bands/": R("resettlement_project", NOBODY),
    "GET /console/resettlement/{project_id}/households/": R("resettlement_project", RESETTLEMENT_READERS),
    "POST /console/resettlement/{project_id}/households/": R("resettlement_project", NOBODY),
    "GET /console/resettlement/{project_id}/units/": R("resettlement_project", RESETTLEMENT_READERS),
    "POST /console/resettlement/{project_id}/units/": R("resettlement_project", NOBODY),
    "POST /console/resettlement/{project_id}/bundles/": R("resettlement_project", NOBODY),
    "GET /console/resettlement/{project_id}/draw/": R("resettlement_project", RESETTLEMENT_READERS),
    "POST /console/resettlement/{project_id}/draw/commit/": R("resettlement_project", NOBODY),
    "POST /console/resettlement/{project_id}/draw/witnesses/": R("resettlement_project", NOBODY),
    "POST /console/resettlement/{project_id}/draw/run/": R("resettlement_project", NOBODY),
    "GET /console/resettlement/{project_id}/draw-list.txt": R("resettlement_project", RESETTLEMENT_READERS),
    "GET /console/resettlement/{project_id}/selection/": R("resettlement_project", RESETTLEMENT_READERS),
    "GET /console/resettlement/{project_id}/notice.pdf": R("resettlement_project", RESETTLEMENT_READERS),
    "POST /console/resettlement/{project_id}/close/": R("resettlement_project", NOBODY),
    "GET /console/resettlement/households/{household_id}/": R("eligible_household", RESETTLEMENT_READERS),
    "POST /console/resettlement/households/{household_id}/choose/": R("eligible_household", NOBODY),
    "POST /console/resettlement/households/{household_id}/finish/": R("eligible_household", NOBODY),
    "POST /console/resettlement/households/{household_id}/settlement/": R("eligible_household", NOBODY),
    "GET /console/resettlement/households/{household_id}/statement.pdf": R(
        "eligible_household", RESETTLEMENT_READERS
    ),
    "POST /console/resettlement/households/{household_id}/handover/": R("eligible_household", NOBODY),
    "GET /console/training/": R("collection", STAFF),
    "GET /console/training/plans/{plan_id}/": R("training_plan", TRAINING_READERS),
    "GET /console/training/courses/{course_id}/": R("course", TRAINING_READERS),
    "POST /console/training/courses/{course_id}/sessions/": R("course", NOBODY),
    "POST /console/training/courses/{course_id}/certificates/": R("course", NOBODY),
    "POST /console/training/courses/{course_id}/certificates.pdf-job/": R("course", NOBODY),
    "GET /console/training/certificates/{certificate_id}.pdf": R(
        "completion_certificate", TRAINING_READERS | {GRID_WORKER.value}
    ),
    "GET /console/training/sessions/{session_id}/": R("training_session", TRAINING_READERS),
    "POST /console/training/sessions/{session_id}/attendance/": R("training_session", NOBODY),
    "GET /console/training/trainees/": R("collection", STAFF),
    "POST /console/training/trainees/{trainee_id}/qualifications/": R("trainee", NOBODY),
    "GET /console/training/figures/": R("collection", STAFF),
    "GET /console/councils/": R("collection", COUNCIL_READERS),
    "GET /console/councils/{council_id}/": R("council", COUNCIL_READERS),
    "POST /console/councils/{council_id}/members/": R("council", NOBODY),
    "POST /console/councils/{council_id}/topics/": R("council", NOBODY),
    "POST /console/councils/{council_id}/meetings/": R("council", NOBODY),
    "GET /console/councils/topics/{topic_id}/": R("topic", COUNCIL_READERS),
    "POST /console/councils/topics/{topic_id}/act/": R("topic", NOBODY),
    "GET /console/councils/meetings/{meeting_id}/": R("meeting", COUNCIL_READERS),
    "POST /console/councils/meetings/{meeting_id}/act/": R("meeting", NOBODY),
    # the minutes name the members present and their votes: audited (authz/tests/test_downloads.py)
    "GET /console/councils/meetings/{meeting_id}/minutes.pdf": R("meeting", COUNCIL_READERS),
    "GET /console/councils/resolutions/": R("collection", COUNCIL_READERS),
    "GET /console/councils/resolutions/{resolution_id}/notice.pdf": R("resolution", COUNCIL_READERS),
    "GET /console/councils/proposals/": R("collection", COUNCIL_READERS),
    "POST /console/councils/proposals/{proposal_id}/act/": R("proposal", NOBODY),
    "GET /console/councils/appointments/": R("collection", COUNCIL_READERS),
    "GET /console/councils/appointments/sessions/{session_id}/": R("appointment_session", COUNCIL_READERS),
    "POST /console/councils/appointments/sessions/{session_id}/act/": R("appointment_session", NOBODY),
    "GET /console/cobuild/needs/": R("list:need", STAFF),
    "GET /console/cobuild/needs/{need_id}/": R(
        "need", of(ADMIN, AUDITOR, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY)
    ),
    "POST /console/cobuild/needs/{need_id}/withdraw/": R("need", NOBODY),
    "GET /console/cobuild/needs/from-ticket/{ticket_id}/": R("ticket", POPULATION),
    "POST /console/cobuild/needs/from-ticket/{ticket_id}/": R("ticket", NOBODY),
    "GET /console/cobuild/resources/": R("collection", STAFF),
    "GET /console/cobuild/projects/": R("list:project", STAFF),
    "POST /console/cobuild/projects/new/": R("collection", NOBODY),
    "GET /console/cobuild/projects/{project_id}/": R(
        "project", of(ADMIN, AUDITOR, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY)
    ),
    "POST /console/cobuild/projects/{project_id}/claim/": R("project", NOBODY),
    "POST /console/cobuild/projects/{project_id}/sign/": R("project", NOBODY),
    "GET /console/cobuild/projects/{project_id}/agreement.pdf": R("project", NOBODY),
    "POST /console/cobuild/projects/{project_id}/milestones/": R("project", NOBODY),
    "POST /console/cobuild/milestones/{milestone_id}/done/": R("milestone", NOBODY),
    "POST /console/cobuild/projects/{project_id}/deliveries/": R("project", NOBODY),
    "POST /console/cobuild/projects/{project_id}/complete/": R("project", NOBODY),
    "POST /console/cobuild/projects/{project_id}/cancel/": R("project", NOBODY),
    "POST /console/cobuild/projects/{project_id}/activities/": R("project", NOBODY),
    "GET /console/cobuild/plans/": R("collection", STAFF),
    "GET /console/cobuild/plans/{plan_id}/": R("plan", NOBODY),
    "POST /console/cobuild/plan-rows/{row_id}/": R("plan_row", NOBODY),
    "POST /console/cobuild/plans/{plan_id}/apply/": R("plan", NOBODY),
    "POST /console/cobuild/plans/{plan_id}/discard/": R("plan", NOBODY),
    "GET /console/devices/": R("list:device", DEVICE_READERS),
    "POST /console/devices/": R("collection", NOBODY),
    "GET /console/devices/{device_id}/": R("device", DEVICE_READERS),
    "POST /console/devices/{device_id}/": R("device", NOBODY),
    "POST /console/devices/{device_id}/retire/": R("device", NOBODY),
    "GET /console/devices/offline/": R("list:device", DEVICE_READERS),
    "GET /console/devices/events/": R("list:device_event", DEVICE_READERS),
    "GET /console/devices/events/{event_id}/": R("device_event", DEVICE_READERS),
    # the scene snapshot: each view audited (devices.snapshot_viewed)
    "GET /console/devices/events/{event_id}/snapshot": R("device_event", DEVICE_READERS),
    "GET /console/devices/platforms/": R("collection", of(ADMIN)),
    "POST /console/devices/platforms/": R("collection", NOBODY),
    # issuing a key needs no form: the district admin's POST issues one (the secret shown once)
    "POST /console/devices/platforms/{platform_id}/keys/": R("device_platform", of(ADMIN)),
    "POST /console/devices/keys/{key_id}/revoke/": R("device_platform", NOBODY),
    "GET /console/devices/routes/": R("collection", DEVICE_READERS),
    "POST /console/devices/routes/": R("collection", NOBODY),
    "GET /console/routing/": R("collection", POPULATION),
    "POST /console/routing/review/": R("collection", NOBODY),
    "GET /console/routing/mapping/": R("collection", POPULATION),
    "POST /console/routing/mapping/": R("collection", NOBODY),
    "GET /console/routing/keywords/": R("collection", of(ADMIN)),
    "POST /console/routing/keywords/mine/": R("collection", NOBODY),
    "POST /console/routing/keywords/decide/": R("collection", NOBODY),
    "POST /console/routing/retrain/": R("collection", NOBODY),
    "GET /console/points/rules/": R("list:point_rule", STAFF),
    "POST /console/points/rules/": R("collection", NOBODY),
    "GET /console/points/rules/{rule_id}/": R("point_rule", NOBODY),
    "POST /console/points/rules/{rule_id}/": R("point_rule", NOBODY),
    "GET /console/points/postings/": R("list:posting", STAFF),
    "POST /console/points/postings/{posting_id}/reverse/": R("posting", NOBODY),
    "GET /console/points/claims/": R("list:point_claim", STAFF),
    "POST /console/points/claims/": R("collection", NOBODY),
    "POST /console/points/claims/{claim_id}/decide/": R("point_claim", NOBODY),
    "POST /console/points/claims/harvest/": R("collection", NOBODY),
    "POST /console/points/meetings/": R("collection", NOBODY),
    "GET /console/points/accounts/": R("collection", STAFF),
    "GET /console/points/goods/": R("list:point_goods", STAFF),
    "POST /console/points/goods/": R("collection", NOBODY),
    "GET /console/points/goods/{goods_id}/": R("point_goods", NOBODY),
    "POST /console/points/goods/{goods_id}/": R("point_goods", NOBODY),
    "GET /console/points/counter/": R("collection", STAFF),
    "POST /console/points/counter/": R("collection", NOBODY),
    "GET /console/points/redemptions/": R("list:redemption", STAFF),
    "GET /console/points/redemptions/{redemption_id}/": R("redemption", NOBODY),
    "GET /console/volunteers/teams/": R("list:team", STAFF),
    "GET /console/volunteers/teams/{team_id}/": R("team", POPULATION),
    "POST /console/volunteers/teams/{team_id}/": R("team", NOBODY),
    "GET /console/volunteers/activities/": R("list:activity", STAFF),
    "GET /console/volunteers/activities/{activity_id}/": R("activity", POPULATION),
    "POST /console/volunteers/activities/{activity_id}/cancel/": R("activity", NOBODY),
    "GET /console/volunteers/sessions/{session_id}/": R(
        "session", of(ADMIN, AUDITOR, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY)
    ),
    "POST /console/volunteers/sessions/{session_id}/record/": R("session", NOBODY),
    "POST /console/volunteers/sessions/{session_id}/confirm/": R("session", NOBODY),
    "GET /console/volunteers/sessions/{session_id}/poster.pdf": R(
        "session", of(ADMIN, COMMUNITY_WORKER, SECRETARY)
    ),
    "GET /console/volunteers/hours/": R("collection", STAFF),
    "GET /console/volunteers/certificates/": R("collection", STAFF),
    "GET /console/volunteers/certificates/{certificate_id}.pdf": R("certificate", NOBODY),
    "GET /h5/volunteers/": R("collection", SIGNED_IN),
    "POST /h5/volunteers/sessions/{session_id}/signup/": R("session", NOBODY),
    "POST /h5/volunteers/signups/{signup_id}/cancel/": R("signup", NOBODY),
    "GET /h5/volunteers/scan/{token}/": R("token", NOBODY),
    "GET /h5/volunteers/mine/": R("collection", SIGNED_IN),
    "GET /console/socialorgs/": R("list:social_org", STAFF),
    "POST /console/socialorgs/": R("collection", NOBODY),
    "GET /console/socialorgs/figures/": R("collection", STAFF),
    "GET /console/socialorgs/workers/": R("list:social_worker", STAFF),
    "POST /console/socialorgs/workers/": R("collection", NOBODY),
    "GET /console/socialorgs/{organization_id}/": R("social_org", SOCIALORG_READERS),
    "POST /console/socialorgs/{organization_id}/profile/": R("social_org", NOBODY),
    "POST /console/socialorgs/{organization_id}/incubations/": R("social_org", NOBODY),
    "POST /console/socialorgs/{organization_id}/plans/": R("social_org", NOBODY),
    "POST /console/socialorgs/incubations/{incubation_id}/milestones/": R("incubation", NOBODY),
    "POST /console/socialorgs/incubations/{incubation_id}/end/": R("incubation", NOBODY),
    "POST /console/socialorgs/milestones/{milestone_id}/done/": R("milestone", NOBODY),
    "GET /console/socialorgs/projects/": R("list:funded_project", STAFF),
    "POST /console/socialorgs/projects/": R("collection", NOBODY),
    "GET /console/socialorgs/projects/{project_id}/": R("funded_project", SOCIALORG_READERS),
    "POST /console/socialorgs/projects/{project_id}/review/": R("funded_project", NOBODY),
    "POST /console/socialorgs/projects/{project_id}/decide/": R("funded_project", NOBODY),
    "POST /console/socialorgs/projects/{project_id}/deliver/": R("funded_project", NOBODY),
    "POST /console/socialorgs/projects/{project_id}/close/": R("funded_project", NOBODY),
    "GET /console/socialorgs/contests/": R("collection", STAFF),
    "POST /console/socialorgs/contests/": R("collection", NOBODY),
    "GET /console/socialorgs/contests/{contest_id}/": R("contest", SOCIALORG_READERS),
    "POST /console/socialorgs/contests/{contest_id}/judges/": R("contest", NOBODY),
    "POST /console/socialorgs/contests/{contest_id}/entries/": R("contest", NOBODY),
    "POST /console/socialorgs/contests/{contest_id}/start/": R("contest", NOBODY),
    "POST /console/socialorgs/contests/{contest_id}/finish/": R("contest", NOBODY),
    "POST /console/socialorgs/entries/{entry_id}/score/": R("contest_entry", NOBODY),
    "POST /console/socialorgs/entries/{entry_id}/brand/": R("contest_entry", NOBODY),
    "GET /console/stairwells/": R("list:stairwell", STAFF),
    "POST /console/stairwells/register-community/": R("collection", NOBODY),
    "GET /console/stairwells/register/": R("list:stairwell", STAFF),
    "GET /console/stairwells/register.xlsx": R("list:stairwell", STAFF),
    "GET /console/stairwells/figures/": R("collection", STAFF),
    "GET /console/stairwells/{stairwell_id}/": R("stairwell", STAIRWELL_STAFF | {AUDITOR.value}),
    "POST /console/stairwells/{stairwell_id}/inspect/": R("stairwell", NOBODY),
    "POST /console/stairwells/{stairwell_id}/settings/": R("stairwell", NOBODY),
    "POST /console/stairwells/{stairwell_id}/elections/": R("stairwell", NOBODY),
    "POST /console/stairwells/elections/{election_id}/paper-vote/": R("election", NOBODY),
    "POST /console/stairwells/elections/{election_id}/close/": R("election", NOBODY),
    "POST /console/stairwells/posts/{captain_id}/end/": R("captain", NOBODY),
    "GET /h5/venues/": R("collection", SIGNED_IN),
    "GET /h5/venues/{venue_id}/": R("venue", SIGNED_IN - {DEPARTMENT.value}),
    "POST /h5/venues/bookings/{booking_id}/cancel/": R("booking", NOBODY),
    "GET /h5/campaigns/": R("collection", SIGNED_IN),
    "GET /h5/campaigns/{campaign_id}/record/": R("campaign", CAMPAIGN_READERS),
    "POST /h5/campaigns/{campaign_id}/record/": R("campaign", NOBODY),
    "POST /h5/campaigns/duties/{duty_id}/check/": R("inspection_duty", NOBODY),
    # a resident reads a topic of their own community once it is public (consultation or notice)
    "GET /h5/councils/": R("collection", SIGNED_IN),
    "GET /h5/councils/topics/{topic_id}/": R("topic", of(RESIDENT)),
    "GET /h5/councils/scan/{token}/": R("collection", NOBODY),
    "GET /h5/councils/proposals/": R("collection", SIGNED_IN),
    "GET /h5/councils/public/{council_id}/": R("public", NOBODY),
    "GET /h5/councils/public/resolutions/{resolution_id}.pdf": R("public", NOBODY),
    "GET /h5/training/": R("collection", SIGNED_IN),
    "GET /h5/training/scan/{token}/": R("collection", NOBODY),
    "GET /h5/training/certificates/{certificate_id}.pdf": R(
        "completion_certificate", TRAINING_READERS | {GRID_WORKER.value}
    ),
    "GET /h5/cobuild/need/": R("collection", SIGNED_IN),
    # the page after raising a need: only whoever raised it (the world's needs are the admin's)
    "GET /h5/cobuild/need/{need_id}/done/": R("need", of(ADMIN)),
    "GET /h5/cobuild/projects/": R("list:project", ALL),
    # 公示: a community's projects are published to everyone, signed in or not
    "GET /h5/cobuild/projects/{community_code}/": R("public", NOBODY),
    "GET /h5/mediation/": R("public", ALL),
    "POST /h5/cobuild/projects/evaluate/{project_id}/": R("project", NOBODY),
    "GET /h5/points/": R("collection", SIGNED_IN),
    "GET /h5/points/report/": R("collection", SIGNED_IN),
    "POST /h5/points/report/": R("collection", NOBODY),
    "GET /h5/points/shop/": R("collection", SIGNED_IN),
    "POST /h5/points/shop/redeem/": R("collection", NOBODY),
    "GET /h5/points/receipts/{redemption_id}/": R("redemption", NOBODY),
    # 积分公示榜: a community's board is published to everyone, names masked
    "GET /h5/points/board/{community_code}/": R("public", NOBODY),
    "GET /h5/stairwells/": R("list:stairwell", SIGNED_IN),
    "GET /h5/stairwells/{stairwell_id}/inspect/": R("stairwell", STAIRWELL_STAFF),
    "POST /h5/stairwells/{stairwell_id}/inspect/": R("stairwell", NOBODY),
    "POST /h5/stairwells/{stairwell_id}/red-captain/": R("stairwell", NOBODY),
    "POST /h5/stairwells/elections/{election_id}/vote/": R("election", NOBODY),
    "GET /h5/": R("collection", SIGNED_IN),
    "GET /h5/login/": R("collection", of(ANON)),
    "POST /h5/login/code/": R("collection", NOBODY),
    "POST /h5/login/verify/": R("collection", NOBODY),
    "POST /h5/logout/": R("collection", NOBODY, logs_out=True),
    "GET /h5/family/": R("collection", SIGNED_IN),
    # an in-service member picks the unit they work for, which may sit in any community of the district
    "GET /h5/party/register/": R("collection", SIGNED_IN, shows=frozenset({"unit"})),
    # the page after one's own 报到: only the member who registered
    "GET /h5/party/register/{registration_id}/done/": R("registration", of(MEMBER)),
    # an in-service member's own pages (报到证, items of the communities they serve, service records):
    # every signed-in account gets the page, empty unless it has member rows of its own
    "GET /h5/party/me/": R("collection", SIGNED_IN),
    "GET /h5/party/items/": R("collection", SIGNED_IN),
    "POST /h5/party/items/{item_id}/claim/": R("item", NOBODY),
    "GET /h5/party/service/": R("collection", SIGNED_IN),
    # a unit liaison's page: their own units only (empty for everyone else)
    "GET /h5/party/unit/": R("collection", SIGNED_IN),
    "GET /h5/tickets/": R("list:ticket", SIGNED_IN),
    "GET /h5/tickets/new/": R("collection", SIGNED_IN),
    "GET /h5/tickets/{ticket_id}/": R("ticket", of(ADMIN, RESIDENT)),
    "POST /h5/tickets/{ticket_id}/rate/": R("ticket", NOBODY),
    "GET /h5/tickets/{ticket_id}/photos/{photo_id}/": R("ticket", NOBODY),
    # the residents' map: the pin's grid and the open reports near it (public cards: no reporter, no door)
    "GET /h5/tickets/nearby/": R("collection", SIGNED_IN, query={"lng": "117.105", "lat": "36.985"}),
    # 这也是我的问题: scope A's ticket is unclassified (private), so nobody may join it; a refusal redirects
    "POST /h5/tickets/{ticket_id}/join/": R("ticket", NOBODY),
    # the public reports pages (FixMyStreet-like), open to anyone by design, anonymised (selectors.public);
    # a community page and a photo need a real code / id, which the probe does not have
    "GET /h5/tickets/public/": R("public", ALL),
    "GET /h5/tickets/public/{community_code}/": R("public", NOBODY),
    "GET /h5/tickets/public/photos/{photo_id}/": R("public", NOBODY),
    # 红色物业 (property): estates' profiles, the company register, the four steps, the quarterly assessment
    "GET /api/v1/property/companies": R("list:property_company", SIGNED_IN),
    "POST /api/v1/property/companies": R("collection", NOBODY),
    "GET /api/v1/property/companies/{company_id}": R("property_company", PROPERTY_READERS),
    "GET /api/v1/property/estates/{estate_id}": R("estate", PROPERTY_READERS),
    "GET /api/v1/property/matters/{matter_id}": R("property_matter", PROPERTY_READERS),
    "GET /api/v1/property/assessments": R("collection", SIGNED_IN, query={"quarter": "2026-Q4"}),
    "POST /api/v1/property/ratings": R("collection", NOBODY),
    "GET /console/property/": R("list:estate", STAFF),
    "GET /console/property/estates/{estate_id}/": R("estate", PROPERTY_READERS),
    "POST /console/property/estates/{estate_id}/service/": R("estate", NOBODY),
    "POST /console/property/estates/{estate_id}/committee/": R("estate", NOBODY),
    "POST /console/property/estates/{estate_id}/committee/{committee_id}/file/": R(
        "owners_committee", NOBODY
    ),
    "POST /console/property/estates/{estate_id}/committee/{committee_id}/end/": R("owners_committee", NOBODY),
    "POST /console/property/estates/{estate_id}/branch/": R("estate", NOBODY),
    "POST /console/property/estates/{estate_id}/branch/{branch_id}/representatives/": R(
        "tongxinqiao_branch", NOBODY
    ),
    "POST /console/property/estates/{estate_id}/representatives/{representative_id}/remove/": R(
        "branch_representative", NOBODY
    ),
    "POST /console/property/estates/{estate_id}/captains/": R("estate", NOBODY),
    "POST /console/property/estates/{estate_id}/captains/{post_id}/end/": R("captain_post", NOBODY),
    "POST /console/property/estates/{estate_id}/matters/": R("estate", NOBODY),
    "GET /console/property/committees/": R("list:owners_committee", STAFF),
    "GET /console/property/companies/": R("list:property_company", STAFF),
    "POST /console/property/companies/": R("collection", NOBODY),
    "GET /console/property/companies/{company_id}/": R("property_company", PROPERTY_READERS),
    "POST /console/property/companies/{company_id}/": R("property_company", NOBODY),
    "POST /console/property/companies/{company_id}/deactivate/": R("property_company", NOBODY),
    "GET /console/property/organizations/": R("list:property_organization", STAFF),
    "POST /console/property/organizations/": R("collection", NOBODY),
    "GET /console/property/matters/{matter_id}/": R("property_matter", PROPERTY_READERS),
    **{
        f"POST /console/property/matters/{{matter_id}}/{step}/": R("property_matter", NOBODY)
        for step in (
            "accept",
            "decline",
            "party-day",
            "consult",
            "meeting",
            "decide",
            "minutes",
            "notice",
            "implement",
            "complete",
            "publish",
        )
    },
    "GET /console/property/assessment/": R("collection", STAFF),
    "POST /console/property/assessment/run/": R("collection", NOBODY),
    "POST /console/property/assessment/weights/": R("collection", NOBODY),
    "GET /console/property/assessment/export.xlsx": R("collection", STAFF),
    "GET /h5/property/": R("collection", SIGNED_IN),
    "POST /h5/property/rate/": R("collection", NOBODY),
    "POST /h5/property/topics/{topic_id}/opinion/": R("property_topic", NOBODY),
    "POST /h5/property/results/{resolution_id}/rate/": R("resolution", NOBODY),
    # Registers (台账): the list, each register as xlsx, the imports of units and in-service members.
    "GET /console/registers/": R("collection", REGISTER_READERS),
    "GET /console/registers/export/{key}.xlsx": R("collection", REGISTER_READERS, params={"key": "roster"}),
    "GET /console/registers/import/{kind}/": R("collection", REGISTER_IMPORTERS, params={"kind": "units"}),
    "POST /console/registers/import/{kind}/": R("collection", NOBODY, params={"kind": "units"}),
    "GET /console/registers/import/{kind}/template.xlsx": R("collection", STAFF, params={"kind": "members"}),
    # an import's record and error report: its importer and the community managers over its place
    "GET /console/registers/imports/{import_id}/errors.xlsx": R("register_import", REGISTER_IMPORTERS),
    "GET /api/v1/registers/": R("collection", REGISTER_READERS),
    "GET /api/v1/registers/{key}.xlsx": R("collection", REGISTER_READERS, params={"key": "roster"}),
    "GET /api/v1/registers/import-templates/{kind}.xlsx": R(
        "collection", SIGNED_IN, params={"kind": "units"}
    ),
    "POST /api/v1/registers/import/{kind}": R("collection", NOBODY, params={"kind": "units"}),
    "GET /api/v1/registers/imports/{import_id}": R("register_import", REGISTER_IMPORTERS),
    "GET /api/v1/registers/imports/{import_id}/errors.xlsx": R("register_import", REGISTER_IMPORTERS),
    # 驾驶舱 (cockpit): the population roles see their own place's cockpit and the places below (a place
    # outside scope is a 404); the district admin's "rebuild now" starts a job.
    "GET /console/cockpit/": R("collection", POPULATION),
    "POST /console/cockpit/rebuild/": R("collection", NOBODY),
    "GET /console/cockpit/screen/": R("collection", POPULATION),
    "GET /console/cockpit/screen/data/": R("collection", POPULATION),
    "GET /api/v1/cockpit/figures": R("collection", POPULATION),
    # 考核 (assessment): grid staff are sent from the list to their own sheets (a redirect, not an answer)
    "GET /console/assessment/": R("list:assessment_set", ASSESSMENT_READERS),
    "GET /console/assessment/sets/new/": R("collection", ASSESSMENT_WRITERS),
    "POST /console/assessment/sets/new/": R(
        "collection", ASSESSMENT_WRITERS
    ),  # the form again, with the refusal
    "GET /console/assessment/sets/{set_id}/": R("assessment_set", ASSESSMENT_READERS),
    "POST /console/assessment/sets/{set_id}/": R("assessment_set", ASSESSMENT_WRITERS),
    "POST /console/assessment/sets/{set_id}/compute/": R("assessment_set", NOBODY),
    "GET /console/assessment/runs/{run_id}/": R("assessment_run", ASSESSMENT_READERS),
    "POST /console/assessment/runs/{run_id}/publish/": R("assessment_run", NOBODY),
    "GET /console/assessment/runs/{run_id}/export.xlsx": R("assessment_run", ASSESSMENT_READERS),
    "GET /console/assessment/runs/{run_id}/export.pdf": R("assessment_run", ASSESSMENT_READERS),
    # a sheet: the readers of its place, and the grid worker whose sheet it is (A's: the g1 grid worker)
    "GET /console/assessment/results/{result_id}/": R(
        "assessment_result", ASSESSMENT_READERS | of(GRID_WORKER)
    ),
    "GET /console/assessment/results/{result_id}/sheet.pdf": R(
        "assessment_result", ASSESSMENT_READERS | of(GRID_WORKER)
    ),
    "GET /console/assessment/mine/": R("collection", of(GRID_HEAD, GRID_WORKER)),
    "GET /api/v1/assessment/indicators": R("collection", SIGNED_IN),
    "GET /api/v1/assessment/sets": R("list:assessment_set", SIGNED_IN),
    "POST /api/v1/assessment/sets": R("collection", NOBODY),
    "POST /api/v1/assessment/sets/{set_id}/runs": R("assessment_set", ASSESSMENT_WRITERS),
    "POST /api/v1/assessment/runs/{run_id}/publish": R("assessment_run", ASSESSMENT_WRITERS),
    "GET /api/v1/assessment/runs/{run_id}": R("assessment_run", ASSESSMENT_READERS),
    "GET /api/v1/assessment/my-sheets": R("collection", SIGNED_IN),
    # The public overview page beside /api/v1/overview: aggregates only, by an allow-list of figures.
    "GET /overview/": R("public", ALL),
    # The one-map (一张图): the readers of a place's tickets, at their own place (?place= out of reach: 404);
    # one GeoJSON layer per module, each read through that module's scoped selector.
    "GET /console/cockpit/map/": R("collection", DEVICE_READERS),
    "GET /console/cockpit/map/layers/{layer}/": R("collection", DEVICE_READERS, params={"layer": "tickets"}),
}
