"""The demo's in-service member (dy-yinshan) and unit liaison (unit-yinshan) have pages of their own on
H5: the member's card with their unit's address and a year of service, the liaison's unit with it."""

from __future__ import annotations

from django.test import Client

from gongzhi.accounts.models import User
from gongzhi.party.models import PartyMember, Unit


def test_the_demo_member_and_liaison_see_their_own_pages(demo):
    member_user = User.objects.get(username="dy-yinshan")
    member = PartyMember.objects.select_related("unit").get(user=member_user)
    assert member.unit is not None and member.unit.paired_grid_id
    assert Unit.objects.get(liaison__username="unit-yinshan") == member.unit

    client = Client()
    client.force_login(member_user)
    page = client.get("/h5/party/me/")
    assert page.status_code == 200 and member.unit.address in page.content.decode()
    assert page.context["places"][0].source == "paired"
    assert client.get("/h5/party/items/").context["items"]  # the community's posts to claim

    client.force_login(User.objects.get(username="unit-yinshan"))
    page = client.get("/h5/party/unit/")
    assert member.name in page.content.decode()
    assert page.context["pages"][0].unit == member.unit
