"""Every public output, fetched anonymously and scanned: a private ticket (独居老人关爱) and a public one
(路灯, filed by address_id = a household) whose description, handling result and updates name persons
registered at the household, a door (3号楼2单元301室), a mobile, a landline and an ID number.

None of those words or patterns may appear in any public body (Open311 services, service definitions,
requests list and one, in JSON and XML, with and without extensions, servicerequestupdates; the cobuild
public projects API and H5 pages; the console overview; the ticket categories), and every public record
has exactly the keys of its allow-list.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from gongzhi.cobuild.selectors import PUBLIC_COMMUNITY_FIELDS, PUBLIC_PROJECT_FIELDS
from gongzhi.open311.api import mapping
from gongzhi.open311.tests.helpers import BASE, G1_POINT, issue, post
from gongzhi.people.services import PersonInput, person_create
from gongzhi.testing import build_small_district, id_number_for
from gongzhi.testing.worlds import shared_world
from gongzhi.tickets import services as svc
from gongzhi.tickets.models import Ticket
from gongzhi.tickets.tests.helpers import report

LNG, LAT = G1_POINT
ELDER, SON, REPORTER = "张桂兰", "李建国", "王小明"
ID_NUMBER = id_number_for(777, birth="19450302")
DOOR = "3号楼2单元301室"


def text(what: str) -> str:
    return (
        f"{what}：独居老人{ELDER}住{DOOR}，儿子{SON}电话138 1234 5678，"
        f"身份证{ID_NUMBER}，座机0531-88881234，上报人{REPORTER}"
    )


# What must never be published, as words and as patterns.
WORDS = (ELDER, SON, REPORTER, "3号楼", "2单元", "301室", "1234 5678", "12345678", "88881234", ID_NUMBER)
PATTERNS = {
    "mobile": re.compile(r"(?<!\d)1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)"),
    "landline": re.compile(r"(?<!\d)0\d{2,3}[\s-]?\d{7,8}(?!\d)"),
    "id18": re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)"),
    "id15": re.compile(r"(?<!\d)\d{15}(?!\d)"),
    "door": re.compile(r"\d+\s*(?:号楼|栋|幢|单元|室)|楼上\d+|(?<!\d)\d{1,3}-\d{1,2}-\d{3,4}(?!\d)"),
}
# Texts only the private tickets carry (their description, handling result and updates).
PRIVATE_ONLY = ("上门探望", "送药", "家访")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[dict[str, Any]]:
    with shared_world(django_db_blocker, tmp_path_factory.mktemp("public-media")):
        yield _build()


def _build() -> dict[str, Any]:
    from gongzhi.cobuild.services.projects import project_claim, project_create, project_sign
    from gongzhi.cobuild.tests.factories import make_need, make_resource, make_unit

    d = build_small_district()
    household = d.households["g1"][1]
    for n, name in enumerate((ELDER, SON)):
        person_create(
            actor=None,
            household_id=household.pk,
            data=PersonInput(name=name, id_number=id_number_for(700 + n), relation="other"),
        )
    key = issue(d, name="城市随手拍")
    client = Client()
    worker = d.user("grid_worker")

    def filed(service_code: str, what: str) -> int:
        response = post(
            client,
            "json",
            key,
            service_code=service_code,
            address_id=str(household.pk),
            lat=str(LAT + 0.000123),
            long=str(LNG + 0.000456),
            description=text(what),
            first_name="小明",
            last_name="王",
            phone="13912340000",
        )
        assert response.status_code == 200, response.content
        return int(response.json()[0]["service_request_id"])

    def work(ticket_id: int, what: str) -> None:
        svc.ticket_accept(actor=worker, ticket_id=ticket_id)
        svc.ticket_dispatch(actor=worker, ticket_id=ticket_id, level="grid")
        update = post(
            client,
            "json",
            key,
            path="servicerequestupdates",
            service_request_id=str(ticket_id),
            description=text(f"{what}补充"),
        )
        assert update.status_code == 200, update.content
        svc.ticket_handle(actor=worker, ticket_id=ticket_id, result=text(f"{what}处置"))

    private_id = filed("305001", "上门探望")  # 养老助残 · 独居老人关爱: a resident's own affair
    public_id = filed("101018", "路灯")  # 路灯: the public may read it, masked
    work(private_id, "上门探望送药")
    work(public_id, "路灯维修")
    # A resident's own report of a private matter, with a staff-written public note.
    mine = report(d, "resident", text("家访记录"), category_code="302001", address=household.address)
    svc.ticket_note(actor=None, ticket_id=mine.pk, public_note=text("家访调解"))

    # A signed cobuild project whose title carries a phone and a door.
    unit = make_unit(d, liaison=d.user("unit_liaison"))
    need = make_need(d, quantity=2, quantity_unit="次")
    resource = make_resource(d, unit, capacity=2)
    project = project_create(
        actor=d.user("community_worker"),
        need_ids=[need.pk],
        resource_ids=[resource.pk],
        title=f"{DOOR}助老服务，联系13812345678",
    )
    project_claim(actor=d.user("unit_liaison"), project_id=project.pk)
    import datetime as dt

    project_sign(
        actor=d.user("community_secretary"),
        project_id=project.pk,
        terms="甲方提供场地，乙方每周三上午服务。",
        community_signatory="王书记",
        claimant_signatory="李院长",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
    )
    return {
        "d": d,
        "household": household,
        "private": Ticket.objects.get(pk=private_id),
        "public": Ticket.objects.get(pk=public_id),
        "mine": mine,
        "community": d.communities["A1"],
    }


def public_urls(world: dict[str, Any]) -> list[str]:
    ids = f"{world['private'].pk},{world['public'].pk},{world['mine'].pk}"
    code = world["community"].code
    out = [f"{BASE}/discovery.json", f"{BASE}/discovery.xml"]
    for fmt in ("json", "xml"):
        out += [
            f"{BASE}/services.{fmt}",
            f"{BASE}/services/305001.{fmt}",
            f"{BASE}/services/101018.{fmt}",
            f"{BASE}/services/201001.{fmt}",
            f"{BASE}/requests.{fmt}",
            f"{BASE}/requests.{fmt}?extensions=true",
            f"{BASE}/requests.{fmt}?service_request_id={ids}&extensions=true",
            f"{BASE}/servicerequestupdates.{fmt}",
            f"{BASE}/servicerequestupdates.{fmt}?service_request_id={ids}",
        ]
        for t in ("private", "public", "mine"):
            out += [
                f"{BASE}/requests/{world[t].pk}.{fmt}",
                f"{BASE}/requests/{world[t].pk}.{fmt}?extensions=true",
                f"{BASE}/requests/{world[t].number}.{fmt}?extensions=true",
                f"{BASE}/tokens/{world[t].pk}.{fmt}",
            ]
    out += [
        f"/api/v1/cobuild/public/projects?community_code={code}",
        "/h5/cobuild/projects/",
        f"/h5/cobuild/projects/{code}/",
        "/api/v1/overview",
        "/api/v1/tickets/categories",
        "/api/v1/mediation/public/mediators",
        "/h5/mediation/",
    ]
    return out


def test_no_public_body_carries_private_words_doors_numbers_or_names(world, db):
    client = Client()
    for url in public_urls(world):
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        body = response.content.decode()
        for word in WORDS + PRIVATE_ONLY:
            assert word not in body, (url, word)
        for name, pattern in PATTERNS.items():
            found = pattern.search(body)
            assert found is None, (url, name, found and found.group(0))
        # Nor any registered person of the household, nor the household's own door.
        for person in world["household"].persons.all():
            assert person.name not in body, (url, person.name)
        assert world["household"].address not in body, url


def _records(url: str) -> Any:
    return json.loads(Client().get(url).content)


def test_public_ticket_text_is_masked_not_dropped(world, db):
    """The public ticket's texts are there, with placeholders where the private parts were."""
    one = _records(f"{BASE}/requests/{world['public'].pk}.json?extensions=true")[0]
    masked = "独居老人某某住某处，儿子某某电话***，身份证***，座机***，上报人某某"
    assert one["description"] == f"路灯：{masked}"
    notes = [n["description"] for n in one["notes"]]
    assert any(n.startswith("路灯维修补充：") for n in notes)
    assert any(n.startswith("已处置：路灯维修处置：") for n in notes)
    assert one["status_notes"].startswith("已处置：路灯维修处置：")
    # The address is the estate, never the household's building, unit or door.
    assert one["address"] == f"{world['community'].name}小区"
    # The point is rounded to 3 decimals (about 100 m), still numbers.
    assert one["lat"] == round(world["public"].lat, 3) and one["long"] == round(world["public"].lng, 3)


def test_private_ticket_publishes_status_phrases_only(world, db):
    for t in ("private", "mine"):
        ticket = world[t]
        one = _records(f"{BASE}/requests/{ticket.pk}.json?extensions=true")[0]
        assert one["description"] == mapping.PRIVATE_DESCRIPTION
        assert one["status_notes"] == mapping.STATUS_PHRASES[ticket.status]
        assert {n["description"] for n in one["notes"]} <= set(mapping.STATUS_PHRASES.values())
        assert one["address"] == world["community"].name
        assert one["lat"] == round(ticket.lat, 2) and one["media_url"] is None
        updates = _records(f"{BASE}/servicerequestupdates.json?service_request_id={ticket.pk}")
        assert updates and {u["description"] for u in updates} <= set(mapping.STATUS_PHRASES.values())
    private = _records(f"{BASE}/requests/{world['private'].pk}.json?extensions=true")[0]
    # Each step of the timeline is there (the connected system's update too), as its status's phrase.
    assert [(n["type"], n["description"]) for n in private["notes"]] == [
        ("report", "已收到，待受理"),
        ("accept", "已受理"),
        ("dispatch", "处理中"),
        ("note", "处理中"),
        ("handle", "已处置，待核查"),
    ]


def _xml_records(url: str) -> list[ET.Element]:
    return list(ET.fromstring(Client().get(url).content))


def test_every_public_record_has_exactly_the_allowed_keys(world, db):
    ids = f"{world['private'].pk},{world['public'].pk},{world['mine'].pk}"
    for url, allowed in (
        (f"{BASE}/requests.json?service_request_id={ids}", mapping.REQUEST_FIELDS),
        (f"{BASE}/requests.json?service_request_id={ids}&extensions=true", mapping.EXTENDED_REQUEST_FIELDS),
        (f"{BASE}/requests/{world['public'].pk}.json", mapping.REQUEST_FIELDS),
        (f"{BASE}/servicerequestupdates.json?service_request_id={ids}", mapping.UPDATE_FIELDS),
        (f"{BASE}/services.json", mapping.SERVICE_FIELDS),
        (f"/api/v1/cobuild/public/projects?community_code={world['community'].code}", PUBLIC_PROJECT_FIELDS),
    ):
        records = _records(url)
        assert records, url
        for record in records:
            assert tuple(record) == allowed, url
    rich = _records(f"{BASE}/requests.json?service_request_id={ids}&extensions=true")
    for record in rich:
        assert tuple(record["extended_attributes"]) == mapping.EXTENDED_ATTRIBUTE_FIELDS
        assert record["notes"] and all(tuple(n) == mapping.NOTE_FIELDS for n in record["notes"])
    definition = _records(f"{BASE}/services/201001.json")
    assert tuple(definition) == mapping.DEFINITION_FIELDS
    for attribute in definition["attributes"]:
        listed = attribute["datatype"] in ("singlevaluelist", "multivaluelist")
        assert tuple(attribute) == (mapping.LIST_ATTRIBUTE_FIELDS if listed else mapping.ATTRIBUTE_FIELDS)
        for value in attribute.get("values", []):
            assert tuple(value) == mapping.VALUE_FIELDS
    # XML carries the same elements, in the same order.
    for url, allowed in (
        (f"{BASE}/requests.xml?service_request_id={ids}", mapping.REQUEST_FIELDS),
        (f"{BASE}/requests.xml?service_request_id={ids}&extensions=true", mapping.EXTENDED_REQUEST_FIELDS),
        (f"{BASE}/servicerequestupdates.xml?service_request_id={ids}", mapping.UPDATE_FIELDS),
        (f"{BASE}/services.xml", mapping.SERVICE_FIELDS),
    ):
        elements = _xml_records(url)
        assert elements, url
        for element in elements:
            assert tuple(child.tag for child in element) == allowed, url


def test_h5_project_pages_show_the_allowed_record(world, db):
    from gongzhi.cobuild.selectors import public_communities, public_projects

    assert all(tuple(c) == PUBLIC_COMMUNITY_FIELDS for c in public_communities())
    rows = public_projects(community_code=world["community"].code)
    assert [tuple(r) for r in rows] == [PUBLIC_PROJECT_FIELDS]
    assert rows[0]["title"] == "某处助老服务，联系***"
    page = Client().get(f"/h5/cobuild/projects/{world['community'].code}/").content.decode()
    assert "某处助老服务，联系***" in page


def _leaves(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for child in value.values():
            yield from _leaves(child)
    elif isinstance(value, list):
        for child in value:
            yield from _leaves(child)
    else:
        yield value


def test_overview_is_aggregate_figures_only(world, db):
    overview = json.loads(Client().get("/api/v1/overview").content)
    assert set(overview) == {
        "communities",
        "grids",
        "households",
        "persons",
        "party",
        "tickets",
        "cobuild",
        "care",
        "mediation",
        "venues",
        "training",
        "points",
        "devices",
        "routing",
        "social_organizations",
        "stairwells",
        "campaigns",
        "resettlement",
        "councils",
        "property",
    }
    leaves = list(_leaves(overview))
    assert leaves and all(v is None or isinstance(v, int | float) for v in leaves), leaves
    # The categories are the taxonomy, nothing about any ticket: exactly CategoryOut's fields.
    categories = json.loads(Client().get("/api/v1/tickets/categories").content)
    keys = {
        "code",
        "name",
        "kind",
        "default_level",
        "department_code",
        "limit_amount",
        "limit_unit",
        "close_conditions",
        "children",
    }
    assert categories and all(set(c) == keys for c in categories)
    assert all(set(k) == keys for c in categories for k in c["children"])


def test_request_list_queries_stay_constant(world, db, django_assert_max_num_queries):
    """Registered names, estates and communities are read once per page, whatever its size."""
    household = world["household"]
    for i in range(6):
        report(world["d"], None, f"路灯{i}", category_code="101018", address=household.address)
    with django_assert_max_num_queries(6):
        response = Client().get(f"{BASE}/requests.json", {"extensions": "true"})
    assert len(response.json()) >= 9


def test_a_public_ticket_merged_into_a_private_one_shows_its_steps_as_phrases(world, db):
    """A public duplicate follows the private ticket it joined: the joined ticket's steps are phrases."""
    worker = world["d"].user("grid_worker")
    duplicate = report(world["d"], None, "路灯又坏了", category_code="101018")
    svc.ticket_merge(actor=worker, ticket_id=duplicate.pk, into_id=world["private"].pk)
    one = _records(f"{BASE}/requests/{duplicate.pk}.json?extensions=true")[0]
    joined = [n for n in one["notes"] if n["type"] in ("dispatch", "handle", "note")]
    assert joined and {n["description"] for n in joined} <= set(mapping.STATUS_PHRASES.values())
    body = json.dumps(one, ensure_ascii=False)
    for word in WORDS + PRIVATE_ONLY:
        assert word not in body, word
