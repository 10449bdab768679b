"""The residents' map: nearby open reports, 这也是我的问题 (me too: a co-reporter kept informed like the
reporter of a merged ticket), the public reports page of a community (no personal data), and the maps'
data on the report form and the resident's own ticket."""

from __future__ import annotations

import json
import logging
import re

import pytest
from django.test import Client

from gongzhi.audit.models import AuditEvent
from gongzhi.console.tests.helpers import assert_no_inline_script
from gongzhi.core import ids
from gongzhi.core.errors import Conflict, NotFound
from gongzhi.places.models import Household
from gongzhi.tickets import services as svc
from gongzhi.tickets.enums import PhotoStage, TicketStatus
from gongzhi.tickets.models import Ticket, TicketPhoto
from gongzhi.tickets.selectors import public
from gongzhi.tickets.tests.helpers import G1_POINT
from gongzhi.tickets.tests.test_h5 import other_resident, signed_in, to_verified, upload

S = TicketStatus
LAMP = "101018"  # 路灯, a public component category of the default taxonomy
NEIGHBOURS = "302001"  # 噪音纠纷, a community-affairs (private) category


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def map_data(html: str) -> dict:
    found = re.search(r'id="resident-map-data"[^>]*>(.*?)</script>', html, re.S)
    assert found is not None, "the page hands the map its data"
    return json.loads(found.group(1))


def lamp(district, actor, description="路灯不亮", *, at=G1_POINT, **fields):
    return svc.ticket_report(
        actor=actor,
        data=svc.TicketInput(description=description, lng=at[0], lat=at[1], category_code=LAMP, **fields),
    )


# --- selectors ------------------------------------------------------------------------------------


def test_nearby_lists_open_public_reports_nearest_first(district):
    other = other_resident(district)
    near = lamp(district, other, "3号楼东侧路灯不亮", at=(G1_POINT[0] + 0.0005, G1_POINT[1]))
    nearer = lamp(district, other, "路灯闪烁", at=(G1_POINT[0] + 0.0002, G1_POINT[1]))
    lamp(district, other, "远处路灯", at=(G1_POINT[0] + 0.009, G1_POINT[1]))  # ~800 m away
    unclassified = svc.ticket_report(
        actor=other, data=svc.TicketInput(description="邻居吵架", lng=G1_POINT[0], lat=G1_POINT[1])
    )
    cards = public.nearby_open(lng=G1_POINT[0], lat=G1_POINT[1])
    assert [c.id for c in cards] == [nearer.pk, near.pk]
    assert unclassified.pk not in [c.id for c in cards]  # a private (unclassified) report is never offered
    distances = [c.distance or 0 for c in cards]
    assert None not in [c.distance for c in cards] and distances[0] < distances[1] <= public.NEARBY_METRES
    assert "3号楼" not in cards[1].summary and "某处" in cards[1].summary  # door-level address masked
    # the reporter's own reports are not offered to them
    assert public.nearby_open(lng=G1_POINT[0], lat=G1_POINT[1], exclude_reporter_id=other.pk) == []


def test_nearby_leaves_out_closed_and_old_reports(district):
    from datetime import timedelta

    from django.utils import timezone

    other = other_resident(district)
    old = svc.ticket_report(
        actor=other,
        data=svc.TicketInput(description="路灯不亮", lng=G1_POINT[0], lat=G1_POINT[1], category_code=LAMP),
        now=timezone.now() - timedelta(days=public.NEARBY_DAYS + 1),
    )
    declined = lamp(district, other)
    svc.ticket_decline(actor=district.user("grid_worker"), ticket_id=declined.pk, reason="重复")
    ids_ = [c.id for c in public.nearby_open(lng=G1_POINT[0], lat=G1_POINT[1])]
    assert old.pk not in ids_ and declined.pk not in ids_


def test_locate_names_the_grid(district):
    place = public.locate(*G1_POINT)
    assert place["grid_code"] == district.grids["g1"].code
    assert place["grid"] == district.grids["g1"].name
    assert place["community"] == district.communities["A1"].name
    assert public.locate(100.0, 30.0) == {}


# --- 这也是我的问题 -----------------------------------------------------------------------------------


def test_me_too_makes_a_merged_ticket_that_hears_the_result(
    district, caplog, django_capture_on_commit_callbacks
):
    resident = district.user("resident")
    first = lamp(district, other_resident(district))
    before = AuditEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        mine = svc.ticket_join(actor=resident, into_id=first.pk, note="我家门口也黑")
    assert (mine.status, mine.duplicate_of_id, mine.reporter_id) == (S.MERGED, first.pk, resident.pk)
    assert mine.category is not None and mine.category.code == LAMP
    events = list(AuditEvent.objects.order_by("id")[before:].values_list("event_type", flat=True))
    assert events == ["tickets.report", "tickets.merge"]
    assert public.public_cards([Ticket.objects.get(pk=first.pk)])[0].followers == 1
    # The co-reporter is told the result, and rates it once the joined ticket is verified.
    caplog.set_level(logging.INFO, logger="gongzhi.tickets.notify")
    with django_capture_on_commit_callbacks(execute=True):
        to_verified(district, first)
    told = [r.getMessage() for r in caplog.records if mine.number in r.getMessage()]
    assert any(f"已与工单{first.number}合并办理" in m and "已更换灯泡" in m for m in told)
    client = signed_in(resident)
    html = client.get(f"/h5/tickets/{mine.pk}/").content.decode()
    assert 'data-testid="rate-form"' in html and "已更换灯泡，路灯恢复照明" in html
    response = client.post(f"/h5/tickets/{mine.pk}/rate/", {"satisfaction": "satisfied"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.satisfaction == "satisfied"


def test_me_too_is_refused_twice_for_own_and_for_private_or_closed(district):
    resident, other = district.user("resident"), other_resident(district)
    first = lamp(district, other)
    svc.ticket_join(actor=resident, into_id=first.pk)
    private = svc.ticket_report(
        actor=other,
        data=svc.TicketInput(
            description="邻居家漏水", lng=G1_POINT[0], lat=G1_POINT[1], category_code=NEIGHBOURS
        ),
    )
    count = Ticket.objects.count()
    with pytest.raises(NotFound):
        svc.ticket_join(actor=resident, into_id=private.pk)
    with pytest.raises(NotFound):
        svc.ticket_join(actor=resident, into_id=999_999)
    with pytest.raises(Conflict, match="已关注"):
        svc.ticket_join(actor=resident, into_id=first.pk)
    with pytest.raises(Conflict, match="本人反映"):
        svc.ticket_join(actor=other, into_id=first.pk)
    assert Ticket.objects.count() == count  # nothing half-written


def test_report_page_nearby_and_me_too_through_the_pages(district):
    first = lamp(district, other_resident(district), "小区南门路灯不亮")
    client = signed_in(district.user("resident"))
    page = client.get("/h5/tickets/new/")
    html = page.content.decode()
    assert_no_inline_script(html)
    data = map_data(html)
    g1 = district.grids["g1"]
    # the resident's community A1: g1 and g2
    assert {g["code"] for g in data["grids"]} == {district.grids["g1"].code, district.grids["g2"].code}
    assert any(g["name"] == g1.name for g in data["grids"]) and data["pick"] is True
    nearby = client.get("/h5/tickets/nearby/", {"lng": str(G1_POINT[0]), "lat": str(G1_POINT[1])})
    body = nearby.content.decode()
    assert nearby.status_code == 200 and g1.name in body and "这也是我的问题" in body
    assert f'action="/h5/tickets/{first.pk}/join/"' in body
    bad = client.get("/h5/tickets/nearby/", {"lng": "x", "lat": "1"})
    assert bad.status_code == 400 and "位置不正确" in bad.content.decode()
    joined = client.post(f"/h5/tickets/{first.pk}/join/", follow=True)
    assert joined.status_code == 200 and "已加入" in joined.content.decode()
    again = client.post(f"/h5/tickets/{first.pk}/join/", follow=True)
    assert "您已关注该问题" in again.content.decode()


def test_own_ticket_page_has_its_map_and_the_public_link(district):
    resident = district.user("resident")
    mine = lamp(district, resident)
    html = signed_in(resident).get(f"/h5/tickets/{mine.pk}/").content.decode()
    data = map_data(html)
    assert data["pin"] == {"lng": G1_POINT[0], "lat": G1_POINT[1]}
    assert [g["code"] for g in data["grids"]] == [district.grids["g1"].code]
    assert f"/h5/tickets/public/{district.communities['A1'].code}/" in html


# --- the public page ---------------------------------------------------------------------------------


def test_public_page_shows_reports_and_photos_and_no_personal_data(district):
    anonymous = Client()
    other = other_resident(district)
    person = district.persons["g1"][0]
    phone = ids.decrypt(person.phone_encrypted)
    resident = district.user("resident")
    household = Household.objects.select_related("building").get(pk=district.households["g1"][0].pk)
    assert household.building is not None
    # Reports that name the reporter, their phone and their door, the way residents write.
    texts = f"我是{person.name}，住{household.building.number}号楼1单元{household.door}室，门口路灯不亮，电话{phone}"
    named = svc.ticket_report(
        actor=resident,
        data=svc.TicketInput(
            description=texts,
            lng=G1_POINT[0],
            lat=G1_POINT[1],
            category_code=LAMP,
            address=f"{household.address}",
        ),
        photos=[upload()],
    )
    to_verified(district, named, result_photo=True)
    svc.ticket_report(
        actor=other,
        data=svc.TicketInput(
            description=f"{other.display_name}家楼上漏水",
            lng=G1_POINT[0],
            lat=G1_POINT[1],
            category_code=NEIGHBOURS,
        ),
    )
    url = f"/h5/tickets/public/{district.communities['A1'].code}/"
    response = anonymous.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert_no_inline_script(html)
    assert "路灯" in html and "已处置" in html and "处理前" in html and "处理后" in html
    assert public.PRIVATE_SUMMARY in html
    reporters = {other.display_name, person.name}  # the registered names of the two reporters
    for secret in [
        *reporters,
        phone,
        ids.mask_phone(phone),
        f"{household.door}室",
        household.address,
        *(p.name for p in district.persons["g1"]),
    ]:
        assert secret and secret not in html, secret
    assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", html)  # no mobile number at all
    # the before/after photos are served to anyone; a private ticket's never
    before = TicketPhoto.objects.get(ticket=named, stage=PhotoStage.REPORT)
    after = TicketPhoto.objects.get(ticket=named, stage=PhotoStage.RESULT)
    for p in (before, after):
        assert f"/h5/tickets/public/photos/{p.pk}/" in html
        assert anonymous.get(f"/h5/tickets/public/photos/{p.pk}/").status_code == 200
    assert anonymous.get("/h5/tickets/public/photos/999999/").status_code == 404
    # the map's pins are rounded to about 100 m
    data = map_data(html)
    assert data["pins"] and all(round(p["lng"], 3) == p["lng"] for p in data["pins"])


def test_public_page_filters_pages_and_refuses_unknown_communities(district):
    other = other_resident(district)
    made = [lamp(district, other, f"路灯不亮{i}") for i in range(3)]
    svc.ticket_accept(actor=district.user("grid_worker"), ticket_id=made[0].pk)
    code = district.communities["A1"].code
    client = Client()
    page = public.public_reports(community=district.communities["A1"], limit=2)
    assert [c.id for c in page.cards] == [made[2].pk, made[1].pk] and page.next_after == made[1].pk
    rest = public.public_reports(community=district.communities["A1"], after_id=page.next_after, limit=2)
    assert [c.id for c in rest.cards] == [made[0].pk] and rest.next_after is None
    assert client.get(f"/h5/tickets/public/{code}/", {"state": "closed"}).context["page"].cards == []
    assert client.get("/h5/tickets/public/000000000000/").status_code == 404
    assert client.get("/h5/tickets/public/abc/").status_code == 404
    index = client.get("/h5/tickets/public/").content.decode()
    assert district.communities["A1"].name in index and f"/h5/tickets/public/{code}/" in index
    # another community's page does not list A1's reports
    b1 = client.get(f"/h5/tickets/public/{district.communities['B1'].code}/")
    assert b1.context["page"].cards == [] and "还没有公示的反映" in b1.content.decode()


def test_new_ticket_map_starts_on_the_users_scope_when_grids_are_too_many(district, monkeypatch):
    from gongzhi.places.models import Grid
    from gongzhi.tickets.views import console_pages

    monkeypatch.setattr(console_pages, "MAP_GRIDS", 1)  # the district admin sees more grids than drawn
    client = signed_in(district.user("district_admin"))
    data = client.get("/console/tickets/new/").context["map_data"]
    assert data["grids"] == []
    boxes = [
        (g.min_lat or 0.0, g.min_lng or 0.0, g.max_lat or 0.0, g.max_lng or 0.0) for g in Grid.objects.all()
    ]
    south_west, north_east = data["bounds"]
    assert south_west == [min(b[0] for b in boxes), min(b[1] for b in boxes)]
    assert north_east == [max(b[2] for b in boxes), max(b[3] for b in boxes)]
    # a grid worker's few grids are drawn; no box needed
    worker = signed_in(district.user("grid_worker")).get("/console/tickets/new/").context["map_data"]
    assert worker["grids"] and worker["bounds"] is None


def test_grid_map_ticket_layer_is_the_users_scope_with_overdue_marked(district):
    from datetime import timedelta

    from django.utils import timezone

    from gongzhi.tickets.enums import Level

    mine = lamp(district, district.user("resident"))
    elsewhere = lamp(district, other_resident(district), at=(117.155, 36.985))  # grid g4, community B1
    worker = district.user("grid_worker")
    svc.ticket_accept(actor=worker, ticket_id=mine.pk)
    svc.ticket_dispatch(actor=worker, ticket_id=mine.pk, level=Level.GRID)
    Ticket.objects.filter(pk=mine.pk).update(deadline=timezone.now() - timedelta(hours=1))
    body = signed_in(worker).get("/console/tickets/map-points/").json()
    assert [(p["id"], p["overdue"]) for p in body["points"]] == [(mine.pk, True)]
    assert body["points"][0]["url"] == f"/console/tickets/{mine.pk}/"
    admin = signed_in(district.user("district_admin")).get("/console/tickets/map-points/").json()
    assert {p["id"] for p in admin["points"]} == {mine.pk, elsewhere.pk}
    page = signed_in(worker).get("/console/places/map/").content.decode()
    assert 'data-tickets-url="/console/tickets/map-points/"' in page
