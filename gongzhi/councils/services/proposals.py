"""党群提案: a grid branch (its secretary, or party members of the community) submits a proposal to the
community party committee, which makes it a council topic (followed to the end there) or answers it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from gongzhi.audit.services import audit_record
from gongzhi.core.duties import refuse_own_work
from gongzhi.core.errors import Forbidden, field_error
from gongzhi.core.permissions import require
from gongzhi.core.workflow import check_move
from gongzhi.councils.enums import TopicSource
from gongzhi.councils.models import Council, PartyProposal
from gongzhi.councils.selectors import proposal_get_for_actor
from gongzhi.councils.services._common import _locked, _raise_errors, _text, _user_id
from gongzhi.councils.services.topics import TopicInput, create_topic
from gongzhi.councils.transitions import PROPOSAL, TOPIC

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

BRANCH_KINDS = ("grid_branch", "joint_branch")


@transaction.atomic
def proposal_submit(
    *, actor: Actor | None, branch_id: int, title: str, content: str, proposers: str = ""
) -> PartyProposal:
    from gongzhi.party.models import PartyOrganization
    from gongzhi.places.models import Community

    branch = PartyOrganization.objects.filter(pk=branch_id, kind__in=BRANCH_KINDS, active=True).first()
    if branch is None:
        raise field_error("branch_id", "请选择网格党支部")
    require(
        actor,
        "councils.submit_proposal",
        branch,
        error=Forbidden("只有该支部书记、本社区党员或社区工作人员可以提交提案"),
    )
    errors: dict[str, str] = {}
    title = _text(errors, "title", title, "提案标题", 100, True)
    content = _text(errors, "content", content, "提案内容", 4000, True)
    proposers = _text(errors, "proposers", proposers, "提案人", 200, False)
    _raise_errors(errors)
    community = Community.objects.get(code=branch.community_code)
    row = PartyProposal(
        branch=branch,
        community=community,
        title=title,
        content=content,
        proposers=proposers,
        submitted_by_id=_user_id(actor),
    )
    row.set_place_codes(grid_code=branch.grid_code, community_code=branch.community_code)
    row.save()
    audit_record(actor=actor, target=row, event="councils.proposal_submitted", data={"branch": branch.pk})
    return row


def _proposal(actor: Actor | None, proposal_id: int, move: str) -> tuple[PartyProposal, str]:
    row = _locked(PartyProposal, proposal_get_for_actor(actor=actor, proposal_id=proposal_id))
    require(actor, "councils.handle_proposal", row, error=Forbidden("只有社区党委可以办理党群提案"))
    target = check_move(PROPOSAL, move, row.status)
    refuse_own_work(actor, row.submitted_by_id, what="办理本人提交的提案")
    return row, target


@transaction.atomic
def proposal_accept(
    *, actor: Actor | None, proposal_id: int, council_id: int, major: bool = False
) -> PartyProposal:
    """The committee makes the proposal a topic of one of the community's councils (already accepted onto
    its agenda: the committee has decided to take it up)."""
    from gongzhi.councils.enums import TopicStep
    from gongzhi.councils.services._common import _step

    row, target = _proposal(actor, proposal_id, "accept")
    council = Council.objects.filter(pk=council_id, community_code=row.community_code, active=True).first()
    if council is None:
        raise field_error("council_id", "请选择本社区的议事会")
    topic = create_topic(
        actor=actor,
        council=council,
        data=TopicInput(title=row.title, description=row.content, major=major),
        source_kind=TopicSource.PROPOSAL,
        source_id=row.pk,
        proposer_label=row.branch.name[:50],
    )
    topic.status, topic.status_changed_at = check_move(TOPIC, "accept", topic.status), timezone.now()
    topic.save(update_fields=["status", "status_changed_at", "updated_at"])
    _step(topic, TopicStep.ACCEPTED, actor, "社区党委受理党群提案")
    row.status, row.topic, row.handled_at = target, topic, timezone.now()
    row.save(update_fields=["status", "topic", "handled_at", "updated_at"])
    audit_record(actor=actor, target=row, event="councils.proposal_accepted", data={"topic": topic.pk})
    return row


@transaction.atomic
def proposal_answer(*, actor: Actor | None, proposal_id: int, answer: str) -> PartyProposal:
    row, target = _proposal(actor, proposal_id, "answer")
    errors: dict[str, str] = {}
    row.answer = _text(errors, "answer", answer, "答复", 2000, True)
    _raise_errors(errors)
    row.status, row.handled_at = target, timezone.now()
    row.save(update_fields=["status", "answer", "handled_at", "updated_at"])
    audit_record(actor=actor, target=row, event="councils.proposal_answered")
    return row


__all__ = ["proposal_accept", "proposal_answer", "proposal_submit"]
