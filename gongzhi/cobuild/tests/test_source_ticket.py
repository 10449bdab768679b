"""A need's ``source_ticket_id`` names a ticket the actor may read, and tells nothing about any other:
a ticket that does not exist and one outside the actor's scope get the same answer (issue 18)."""

from __future__ import annotations

import json

from gongzhi.cobuild.enums import CATEGORIES, NeedSource
from gongzhi.cobuild.models import Need
from gongzhi.tickets.tests.helpers import G2_POINT, report

CATEGORY = CATEGORIES[0][0]


def _raise(client, community_id: int, ticket_id: int, source: str = NeedSource.TICKET):
    body = {
        "title": "老人代买菜",
        "category": CATEGORY,
        "source": source,
        "community_id": community_id,
        "source_ticket_id": ticket_id,
    }
    return client.post("/api/v1/cobuild/needs", json.dumps(body), content_type="application/json")


def test_missing_and_out_of_scope_tickets_get_the_same_answer(district, client):
    """Community B1's worker cannot see A1's tickets: an A1 ticket already a need, an A1 ticket not yet
    one and an id that exists nowhere all answer the same 400, so the field is no oracle."""
    from gongzhi.accounts.services import role_assign, user_create
    from gongzhi.core.roles import Role

    seen = report(district, "resident", "希望有人帮忙买菜")
    free = report(district, "resident", "希望有人帮忙理发")
    a1 = district.communities["A1"]
    client.force_login(district.user("community_worker"))
    assert _raise(client, a1.pk, seen.pk).status_code == 201

    b1 = district.communities["B1"]
    other = user_create(actor=None, username="cw_b1", password="x-Long-Pass-42!", validate_password=False)
    role_assign(actor=None, user=other, role=Role.COMMUNITY_WORKER, place_code=b1.code)
    client.force_login(other)
    answers = [_raise(client, b1.pk, ticket_id) for ticket_id in (seen.pk, free.pk, 10**12)]
    assert [a.status_code for a in answers] == [400, 400, 400]
    assert len({a.content for a in answers}) == 1, [a.json() for a in answers]
    assert answers[0].json()["fields"] == {"source_ticket_id": "工单不存在或无权查看"}
    assert Need.objects.count() == 1


def test_a_ticket_in_scope_already_a_need_is_told(district, client):
    t = report(district, "resident", "希望有人帮忙买菜")
    client.force_login(district.user("community_worker"))
    a1 = district.communities["A1"].pk
    assert _raise(client, a1, t.pk).status_code == 201
    again = _raise(client, a1, t.pk)
    assert again.status_code == 400
    assert again.json()["fields"] == {"source_ticket_id": "该工单已转为需求"}


def test_a_need_not_from_a_ticket_never_looks_the_ticket_up(district, client):
    """Another source ignores ``source_ticket_id``: neither stored nor answered about."""
    t = report(district, "resident", "想请人修水管", lng=G2_POINT[0], lat=G2_POINT[1])
    client.force_login(district.user("community_worker"))
    a1 = district.communities["A1"].pk
    for ticket_id in (t.pk, 10**12):
        response = _raise(client, a1, ticket_id, source=NeedSource.COMMUNITY)
        assert response.status_code == 201, response.content
        assert response.json()["source_ticket_id"] is None
