"""党群提案: a grid branch submits, the community party committee makes it a topic or answers it."""

from __future__ import annotations

import pytest

from gongzhi.core.errors import Conflict, Forbidden
from gongzhi.councils import selectors
from gongzhi.councils.enums import ProposalStatus, TopicSource, TopicStatus
from gongzhi.councils.services import proposal_accept, proposal_answer, proposal_submit
from gongzhi.councils.tests.factories import make_council
from gongzhi.party.models import PartyOrganization

pytestmark = pytest.mark.django_db


def make_branch(d, grid: str = "g1", secretary=None) -> PartyOrganization:
    g = d.grids[grid]
    org = PartyOrganization(kind="grid_branch", name=f"{g.name}党支部", secretary=secretary)
    org.set_place_codes(grid_code=g.code)
    org.save()
    return org


def test_branch_proposal_becomes_a_topic_and_is_counted(district):
    d = district
    council = make_council(d)
    branch = make_branch(d, secretary=d.user("party_member"))
    member = d.user("party_member")
    row = proposal_submit(
        actor=member,
        branch_id=branch.pk,
        title="增设老年食堂",
        content="独居老人吃饭难",
        proposers="王某等5名党员",
    )
    assert row.status == ProposalStatus.SUBMITTED and row.community_code == d.communities["A1"].code
    with pytest.raises(Forbidden):
        proposal_accept(actor=member, proposal_id=row.pk, council_id=council.pk)
    row = proposal_accept(actor=d.user("community_secretary"), proposal_id=row.pk, council_id=council.pk)
    assert row.status == ProposalStatus.ACCEPTED
    assert row.topic is not None
    assert row.topic.source_kind == TopicSource.PROPOSAL and row.topic.status == TopicStatus.ACCEPTED
    with pytest.raises(Conflict):
        proposal_answer(actor=d.user("community_secretary"), proposal_id=row.pk, answer="x")
    second = proposal_submit(actor=member, branch_id=branch.pk, title="楼道灯", content="楼道灯坏了")
    proposal_answer(actor=d.user("community_worker"), proposal_id=second.pk, answer="已转物业维修")
    figures = selectors.proposal_figures_by_branch(actor=d.user("community_worker"))
    assert figures == [
        {
            "branch_id": branch.pk,
            "branch__name": branch.name,
            "total": 2,
            "accepted": 1,
            "answered": 1,
            "finished": 0,
        }
    ]


def test_a_member_of_another_community_cannot_submit_for_the_branch(district):
    d = district
    branch = make_branch(d, grid="g4")
    with pytest.raises(Forbidden):
        proposal_submit(actor=d.user("party_member"), branch_id=branch.pk, title="x", content="y")
