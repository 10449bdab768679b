"""The journeys run on a district after ``move_database`` moved it (``test_move.py``), in a process of its own
whose ``DATABASE_URL`` is the target: the demo's own accounts, through the pages and the API (Django's test
client, signed in with ``force_login``), each step checked against the records. Not a test module: the move
test runs ``main()`` with ``manage.py shell``; it prints one ``JOURNEY <name> ok`` line per journey and
raises at the first step that fails (the process then exits non-zero).

1. figures and registers: the public overview page and ``/api/v1/overview`` (the branch figures of
   seed 001, as moved); a register exported as xlsx opens.
2. tickets: a resident reports in their grid on H5's API; the grid worker accepts and escalates (吹哨), the
   community dispatches to a department, the department responds and handles, the grid worker verifies, the
   resident calls back satisfied, the grid worker closes.
3. party: the community secretary enters a resident as a community-managed member (自管党员), reads the
   diff of the branch proposal against the branches in force and applies the diff it saw; the coverage
   table downloads.
4. in-service: the demo's in-service member sees their 报到证, claims an item with a pledge and records
   2 hours on H5; the community secretary confirms; the member sees the hours; the unit liaison sees the
   record.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import Any

from django.test import Client
from django.test.utils import setup_test_environment
from django.utils import timezone


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _check(condition: bool, what: str, response: Any = None) -> None:
    if not condition:
        detail = ""
        if response is not None:
            detail = f" (HTTP {response.status_code}: {response.content[:400]!r})"
        raise AssertionError(what + detail)


def _user(role: str, **filters: Any) -> Any:
    from gongzhi.accounts.models import RoleAssignment

    ra = (
        RoleAssignment.objects.filter(role=role, active=True, **filters)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    _check(ra is not None, f"no active {role} with {filters}")
    assert ra is not None
    return ra.user


def tickets_journey() -> str:
    from shapely.geometry import shape

    from gongzhi.accounts.models import RoleAssignment
    from gongzhi.places.models import Grid, Household
    from gongzhi.tickets.models import Ticket

    ra = (
        RoleAssignment.objects.filter(role="resident", active=True, household__isnull=False)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    _check(ra is not None, "the demo has no resident account")
    assert ra is not None and ra.household_id is not None
    household = Household.objects.select_related("grid").get(pk=ra.household_id)
    grid: Grid = household.grid
    point = shape(grid.boundary).representative_point()
    resident = _client(ra.user)
    r = resident.post(
        "/api/v1/tickets",
        {
            "description": "迁移后旅程：楼前路灯不亮",
            "category_code": "101018",
            "lng": point.x,
            "lat": point.y,
        },
        content_type="application/json",
    )
    _check(r.status_code == 201, "the resident's report", r)
    tid = r.json()["id"]
    _check(Ticket.objects.get(pk=tid).grid_code == grid.code, "the report is placed in the resident's grid")

    from gongzhi.places.models import Department

    worker = _client(_user("grid_worker", place_code=grid.code))
    community = _client(_user("community_worker", place_code=grid.community.code))
    department = Department.objects.order_by("code").first()
    _check(department is not None, "the demo has no department")
    assert department is not None
    handler = _client(_user("department_handler", department=department))
    steps: list[tuple[Client, str, dict[str, Any]]] = [
        (worker, "accept", {}),
        (worker, "escalate", {"reason": "需要职能部门维修"}),
        (community, "dispatch", {"level": "department", "department_id": department.pk}),
        (handler, "respond", {}),
        (handler, "handle", {"result": "已更换灯泡"}),
        (worker, "verify", {"passed": True}),
        (resident, "callback", {"satisfaction": "satisfied"}),
        (worker, "close", {}),
    ]
    for client, action, data in steps:
        r = client.post(f"/api/v1/tickets/{tid}/{action}", data, content_type="application/json")
        _check(r.status_code == 200, f"ticket {tid}: {action}", r)
    r = resident.get(f"/api/v1/tickets/{tid}")
    _check(r.status_code == 200 and r.json()["status"] == "closed", "the resident sees the ticket closed", r)
    return f"ticket {tid} reported in {grid.code} and closed in {len(steps)} steps"


def party_journey() -> str:
    from gongzhi.party.enums import MemberKind
    from gongzhi.party.models import PartyMember
    from gongzhi.people.models import Person
    from gongzhi.places.models import Community

    community = Community.objects.order_by("code").first()
    _check(community is not None, "the demo has no community")
    assert community is not None
    secretary = _client(_user("community_secretary", place_code=community.code))
    members = PartyMember.objects.filter(kind=MemberKind.COMMUNITY_MANAGED)
    person = (
        Person.objects.filter(community_code=community.code)
        .exclude(grid_code="")
        .exclude(pk__in=members.exclude(person__isnull=True).values("person_id"))
        .order_by("pk")
        .first()
    )
    _check(person is not None, f"no resident of {community.code} left to enter")
    assert person is not None
    base = f"/api/v1/party/communities/{community.code}"
    before = secretary.get(f"{base}/branch-diff").json()
    _check(before["changed"] is False, f"the branches in force of {community.code} are the proposal's")
    r = secretary.post("/api/v1/party/members", {"person_id": person.pk}, content_type="application/json")
    _check(r.status_code == 201 and r.json()["grid_code"] == person.grid_code, "a member entered", r)
    diff = secretary.get(f"{base}/branch-diff").json()
    _check(diff["fingerprint"] != before["fingerprint"], "the proposal sees the new member")
    r = secretary.post(f"{base}/branch-layout?fingerprint={diff['fingerprint']}")
    _check(r.status_code == 200, "the secretary applies the diff they saw", r)
    _check(secretary.get(f"{base}/branch-diff").json()["changed"] is False, "nothing left to apply")
    member = PartyMember.objects.get(person=person, kind=MemberKind.COMMUNITY_MANAGED)
    r = secretary.get(f"/console/party/communities/{community.code}/coverage.xlsx")
    _check(r.status_code == 200 and r.content[:2] == b"PK", "the coverage table downloads", r)
    from openpyxl import load_workbook

    sheet: Any = load_workbook(io.BytesIO(r.content)).active
    _check(
        str(sheet["A1"].value).endswith(f"{community.name}网格党组织覆盖情况表"), "the coverage table's title"
    )
    where = member.organization.name if member.organization else "no branch"
    return f"{person.name} entered in {person.grid_code} ({where}); {diff['counts']} applied"


def inservice_journey() -> str:
    from gongzhi.party.enums import ClaimStatus, RegistrationStatus, ServiceItemStatus
    from gongzhi.party.models import Claim, MemberRegistration, ServiceItem, ServiceRecord

    reg = (
        MemberRegistration.objects.filter(
            status=RegistrationStatus.ACCEPTED,
            member__user__username__startswith="dy-",
            unit__liaison__isnull=False,
        )
        .select_related("member__user", "unit__liaison", "community")
        .order_by("pk")
        .first()
    )
    _check(reg is not None, "the demo has no in-service member with an account and a liaison")
    assert reg is not None and reg.unit is not None and reg.member.user is not None
    member = _client(reg.member.user)
    r = member.get("/h5/party/me/")
    _check(r.status_code == 200 and reg.card_number in r.content.decode(), "the member's 报到证", r)
    _check(reg.unit.address in r.content.decode(), "the card carries the unit's address", r)
    hours_before = r.context["hours"].confirmed
    claimed = Claim.objects.filter(member=reg.member, status__in=[ClaimStatus.ACTIVE, ClaimStatus.COMPLETED])
    item = (
        ServiceItem.objects.filter(community=reg.community, status=ServiceItemStatus.OPEN)
        .exclude(pk__in=claimed.values("item_id"))
        .order_by("pk")
        .first()
    )
    _check(item is not None, f"no open item in {reg.community.name} left to claim")
    assert item is not None
    r = member.get("/h5/party/items/", {"community": reg.community.pk})
    _check(r.status_code == 200 and item.title in r.content.decode(), "the items page lists the item", r)
    r = member.post(f"/h5/party/items/{item.pk}/claim/", {"pledge": "迁移后旅程：每月服务两次"})
    claim = Claim.objects.filter(member=reg.member, item=item, status=ClaimStatus.ACTIVE).first()
    _check(r.status_code == 302 and claim is not None, "the member claims with a pledge", r)
    assert claim is not None
    content = "迁移后旅程：上门陪伴、测血压"
    r = member.post(
        "/h5/party/service/",
        {
            "claim_id": claim.pk,
            "served_on": timezone.localdate().isoformat(),
            "hours": "2",
            "content": content,
            "beneficiaries": "独居老人",
        },
    )
    record = ServiceRecord.objects.filter(member=reg.member, content=content).first()
    _check(r.status_code == 302 and record is not None, "the member records 2 hours", r)
    assert record is not None
    _check(record.status == "pending" and record.hours == Decimal("2"), "the record waits for the community")
    secretary = _client(_user("community_secretary", place_code=reg.community.code))
    r = secretary.post(f"/api/v1/party/records/{record.pk}/confirm", {}, content_type="application/json")
    _check(r.status_code == 200, "the community confirms", r)
    r = member.get("/h5/party/me/")
    _check(r.context["hours"].confirmed == hours_before + 2, "the member sees the 2 hours", r)
    r = _client(reg.unit.liaison).get("/h5/party/unit/")
    _check(r.status_code == 200 and content in r.content.decode(), "the unit liaison sees the record", r)
    return f"{reg.member.name} claimed “{item.title}”, 2 hours confirmed, seen by the liaison"


def figures_journey() -> str:
    from gongzhi.party.enums import MemberKind, MemberStatus
    from gongzhi.party.models import PartyMember

    anonymous = Client()
    api = anonymous.get("/api/v1/overview")
    _check(api.status_code == 200, "/api/v1/overview", api)
    party = api.json()["party"]
    _check(
        (party["branches_independent"], party["branches_joint"]) == (71, 23),
        f"seed 001's branch figures as moved ({party})",
    )
    active = PartyMember.objects.filter(kind=MemberKind.COMMUNITY_MANAGED, status=MemberStatus.ACTIVE)
    _check(party["members_community_managed"] == active.count(), "the overview counts the register")
    page = anonymous.get("/overview/")
    _check(page.status_code == 200 and "全区概览" in page.content.decode(), "the public overview page", page)
    shown = re.search(r"<dt>网格党支部</dt><dd>([^<]+)</dd>", page.content.decode())
    _check(shown is not None and shown.group(1) == "71个", "the public page shows the branches")
    worker = _client(_user("community_worker"))
    r = worker.get("/console/registers/export/roster.xlsx")
    _check(r.status_code == 200 and r.content[:2] == b"PK", "a register exported", r)
    from openpyxl import load_workbook

    rows = load_workbook(io.BytesIO(r.content)).worksheets[0].max_row
    return f"overview {party['branches_independent']}/{party['branches_joint']}, roster of {rows - 2} rows"


# The figures first: seed 001's branch figures are the moved district's, before the party journey's member.
JOURNEYS = {
    "figures": figures_journey,
    "tickets": tickets_journey,
    "party": party_journey,
    "inservice": inservice_journey,
}


def main() -> None:
    setup_test_environment()  # the test client's host (testserver) allowed, mail kept in memory
    for name, journey in JOURNEYS.items():
        print(f"JOURNEY {name} ok: {journey()}", flush=True)
