"""The four steps of a property matter (四步议事), through the one deliberation engine (``councils``):

1. 提议 — the estate's property company or owners' committee proposes (``property_matter_propose``): the
   matter is recorded here and becomes a topic of source “property” on the estate's joint-meeting council
   (联席会议), which is set up on the first matter with the three sides as members;
2. 商议 — 主题党日 + 阳光议事: the topic is accepted onto the agenda, the 同心桥 branch's theme party day is
   recorded as the topic's field study and the residents' opinions are collected on H5 (the engine's
   consultation, one opinion per resident);
3. 联席会议决议 — the joint meeting votes member by member and adopts a resolution (or votes it down);
4. 公开评议 — the resolution notice and then the result are published; residents rate the result once.

Steps 2–4 are the engine's own services (``gongzhi.councils.services``) called with the matter's topic:
nothing of the workflow is copied here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction

from gongzhi.audit.services import audit_record
from gongzhi.core.errors import NotFound, field_error
from gongzhi.core.permissions import require
from gongzhi.property.enums import BranchSide, ProposerKind
from gongzhi.property.models import PropertyMatter
from gongzhi.property.services import _validation as v
from gongzhi.property.services.estates import placed_like

if TYPE_CHECKING:
    from gongzhi.core.types import Actor
    from gongzhi.councils.models import Council
    from gongzhi.places.models import Estate
    from gongzhi.property.selectors.estates import EstateProfile

FOUR_STEPS = (
    "四步议事：业委会和物业企业提议 → 主题党日+阳光议事商议 → 联席会议形成决议 → 处理结果公开、群众监督评议"
)


@dataclass
class MatterInput:
    title: str
    description: str
    proposer_kind: str
    major: bool = False


def _joint_members(profile: EstateProfile) -> list[tuple[str, str, str, str]]:
    """(name, category, organisation, title) of the joint meeting: the company's manager, the committee's
    chair, and the 同心桥 branch's representatives of the three sides."""
    from gongzhi.councils.enums import MemberCategory

    out: list[tuple[str, str, str, str]] = []
    company = profile.service.company if profile.service else None
    if company is not None and company.manager_name:
        out.append((company.manager_name, MemberCategory.PROPERTY, company.name, "项目负责人"))
    if profile.committee is not None:
        for m in profile.committee.members:
            if m.post == "chair":
                out.append(
                    (m.name, MemberCategory.OWNERS_COMMITTEE, profile.committee.committee.name, "主任")
                )
    if profile.branch is not None:
        side_category = {
            BranchSide.COMPANY: MemberCategory.PROPERTY,
            BranchSide.OWNERS_COMMITTEE: MemberCategory.OWNERS_COMMITTEE,
            BranchSide.GRID: MemberCategory.PARTY_COMMITTEE,
        }
        for r in profile.branch.representatives:
            out.append(
                (r.name, side_category[BranchSide(r.side)], profile.branch.branch.name, r.get_side_display())
            )
    seen: set[tuple[str, str]] = set()
    unique = []
    for row in out:
        if (row[0], row[1]) not in seen:
            seen.add((row[0], row[1]))
            unique.append(row)
    return unique


def joint_council_of(estate: Estate) -> Council | None:
    from gongzhi.councils.enums import CouncilKind
    from gongzhi.councils.models import Council

    return (
        Council.objects.filter(estate=estate, kind=CouncilKind.JOINT_MEETING, active=True)
        .order_by("id")
        .first()
    )


def _joint_council(actor: Actor | None, estate: Estate, profile: EstateProfile) -> Council:
    """The estate's joint-meeting council; the first matter sets it up with the three sides as members."""
    from gongzhi.councils.enums import CouncilKind, CouncilPattern
    from gongzhi.councils.services import CouncilInput, MemberInput, council_create, council_member_add

    council = joint_council_of(estate)
    if council is not None:
        return council
    council = council_create(
        actor=actor,
        community_id=estate.community_id,
        estate_id=estate.pk,
        data=CouncilInput(
            name=f"{estate.name}红色物业联席会议",
            kind=CouncilKind.JOINT_MEETING,
            pattern=CouncilPattern.CUSTOM,
            description=FOUR_STEPS,
        ),
    )
    for name, category, organization, title in _joint_members(profile):
        council_member_add(
            actor=actor,
            council_id=council.pk,
            data=MemberInput(name=name, category=category, organization=organization[:100], title=title[:50]),
        )
    return council


@transaction.atomic
def property_matter_propose(*, actor: Actor | None, estate_id: int, data: MatterInput) -> PropertyMatter:
    """Step 1 (提议): the estate's current company or owners' committee proposes a matter; it goes to the
    estate's joint-meeting council as a topic of source “property”."""
    from gongzhi.councils.enums import TopicSource
    from gongzhi.councils.services import TopicInput, topic_propose
    from gongzhi.places.models import Estate
    from gongzhi.property.selectors.estates import estate_list_for_actor, estate_profiles

    if actor is None:
        estate = Estate.objects.filter(pk=estate_id).first()
    else:
        estate = estate_list_for_actor(actor=actor).filter(pk=estate_id).first()
    if estate is None:
        raise NotFound("小区不存在或无权查看")
    require(actor, "property.propose_matter", estate)
    title = v.text_required(data.title, "title", "事项", 100)
    description = v.text_required(data.description, "description", "内容", 2000)
    profile = estate_profiles([estate], captains=False)[estate.pk]
    matter = placed_like(
        PropertyMatter(
            estate=estate,
            title=title,
            description=description,
            proposer_kind=data.proposer_kind,
            proposed_by_id=getattr(actor, "pk", None),
        ),
        estate,
    )
    if data.proposer_kind == ProposerKind.COMPANY:
        company = profile.service.company if profile.service else None
        if company is None:
            raise field_error("proposer_kind", "本小区没有在册的物业企业提供服务")
        matter.company = company
        proposer = company.name
    elif data.proposer_kind == ProposerKind.OWNERS_COMMITTEE:
        if profile.committee is None:
            raise field_error("proposer_kind", "本小区没有在任的业委会")
        matter.committee = profile.committee.committee
        proposer = profile.committee.committee.name
    else:
        raise field_error("proposer_kind", "请选择提议方（物业企业或业委会）")
    matter.save()
    council = _joint_council(actor, estate, profile)
    topic = topic_propose(
        actor=actor,
        council_id=council.pk,
        data=TopicInput(title=title, description=f"【{proposer}提议】{description}", major=bool(data.major)),
        source_kind=TopicSource.PROPERTY,
        source_id=matter.pk,
    )
    matter.topic_id = topic.pk
    matter.save(update_fields=["topic_id", "updated_at"])
    audit_record(
        actor=actor,
        target=matter,
        event="property.matter_proposed",
        data={"estate": estate.pk, "proposer": data.proposer_kind, "council": council.pk, "topic": topic.pk},
    )
    return matter


def matter_topic_id(*, actor: Actor | None, matter_id: int) -> int:
    """The engine's topic of a matter the actor sees (for the steps the views pass to the engine)."""
    from gongzhi.property.selectors.matters import matter_get_for_actor

    matter = matter_get_for_actor(actor=actor, matter_id=matter_id).matter
    if matter.topic_id is None:
        raise NotFound("该事项尚未提交联席会议")
    return matter.topic_id


def party_day_location(branch_name: str, place: str) -> str:
    return f"主题党日（{branch_name}）：{place}"[:100]
