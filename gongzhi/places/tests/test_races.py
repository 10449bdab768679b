"""One grid head per grid, with real threads at a barrier (gongzhi.testing_concurrency): two heads
added to the same grid at once, and a head added while another member is promoted to head."""

from __future__ import annotations

import pytest

from gongzhi.audit.models import AuditEvent
from gongzhi.places.models import GridTeamMember
from gongzhi.places.teams import team_member_add, team_member_update
from gongzhi.testing_concurrency import one_winner, race

pytestmark = pytest.mark.django_db(transaction=True)
MESSAGE = "一个网格只能有一名网格长"


def test_two_grid_heads_added_at_once_one_is_refused(district):
    g1, staff = district.grids["g1"], district.user("community_worker")
    results = race(
        lambda: team_member_add(actor=staff, grid=g1, role="grid_head", name="王网格长"),
        lambda: team_member_add(actor=staff, grid=g1, role="grid_head", name="李网格长"),
    )
    winner, _ = one_winner(results, message=MESSAGE)
    heads = list(GridTeamMember.objects.filter(grid=g1, role="grid_head").values_list("name", flat=True))
    assert heads == [winner.name]
    assert AuditEvent.objects.filter(event_type="places.team_member_added").count() == 1


def test_a_head_added_while_another_member_is_promoted(district):
    g1, staff = district.grids["g1"], district.user("community_worker")
    member = team_member_add(actor=staff, grid=g1, role="grid_worker", name="赵网格员")
    results = race(
        lambda: team_member_add(actor=staff, grid=g1, role="grid_head", name="王网格长"),
        lambda: team_member_update(actor=staff, member_id=member.pk, role="grid_head"),
    )
    one_winner(results, message=MESSAGE)
    assert GridTeamMember.objects.filter(grid=g1, role="grid_head").count() == 1
    assert GridTeamMember.objects.filter(grid=g1).count() in (1, 2)
