"""The four steps of a property matter through the councils engine: the company proposes → a topic of
source “property” on the estate's joint-meeting council → 主题党日 + 阳光议事 (one opinion per resident) →
the joint meeting's resolution → published and rated by residents; a declined matter; the assessment
counting a resolution carried out."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from gongzhi.core.errors import ApplicationError
from gongzhi.councils.enums import CouncilKind, MemberCategory, TopicSource, TopicStatus
from gongzhi.councils.models import Council, Topic
from gongzhi.councils.services import (
    MeetingInput,
    ResolutionInput,
    meeting_attendance_record,
    meeting_minutes_record,
    meeting_schedule,
    meeting_topic_decide,
    resolution_complete,
    resolution_implementation_start,
    resolution_notice_publish,
    resolution_rate,
    resolution_result_publish,
    topic_accept,
    topic_consultation_open,
    topic_decline,
    topic_field_visit_record,
    topic_opinion_give,
)
from gongzhi.property.enums import ProposerKind, Subject
from gongzhi.property.selectors.matters import matter_get_for_actor, matter_public_list, resolution_figures
from gongzhi.property.services._validation import quarter_containing
from gongzhi.property.services.assessment import property_assessment_run
from gongzhi.property.services.matters import MatterInput, party_day_location, property_matter_propose
from gongzhi.property.services.register import CompanyInput, property_company_update
from gongzhi.property.tests.factories import set_up_estate, uscc

pytestmark = pytest.mark.django_db


def _estate(district):
    estate, company, committee, branch = set_up_estate(district)
    property_company_update(
        actor=district.user("district_admin"),
        company_id=company.pk,
        data=CompanyInput(name=company.name, uscc=uscc(1), manager_name="韩经理", party_members=3),
    )
    return estate, company, committee, branch


def test_the_four_steps_go_through_the_engine(district):
    estate, company, _committee, branch = _estate(district)
    worker, secretary = district.user("community_worker"), district.user("community_secretary")
    # 1 提议: the property company proposes
    matter = property_matter_propose(
        actor=worker,
        estate_id=estate.pk,
        data=MatterInput(
            title="增设电动车充电车棚",
            description="楼道私拉电线充电隐患大",
            proposer_kind=ProposerKind.COMPANY,
        ),
    )
    assert matter.topic_id is not None
    topic = Topic.objects.get(pk=matter.topic_id)
    assert (topic.source_kind, topic.source_id, topic.status) == (TopicSource.PROPERTY, matter.pk, "proposed")
    council = Council.objects.get(pk=topic.council_id)
    assert council.kind == CouncilKind.JOINT_MEETING and council.estate_id == estate.pk
    members = {(m.name, m.category) for m in council.members.all()}
    assert ("韩经理", MemberCategory.PROPERTY) in members
    assert ("网格党员", MemberCategory.PARTY_COMMITTEE) in members
    assert ("主任甲", MemberCategory.OWNERS_COMMITTEE) in members
    assert matter_get_for_actor(actor=worker, matter_id=matter.pk).step == 1
    # 2 主题党日 + 阳光议事: accepted (not by whoever registered it), the party day, residents' opinions
    with pytest.raises(ApplicationError) as exc:
        topic_accept(actor=worker, topic_id=topic.pk)
    assert exc.value.code == "own_work"
    topic_accept(actor=secretary, topic_id=topic.pk)
    topic_field_visit_record(
        actor=secretary,
        topic_id=topic.pk,
        visited_on=timezone.localdate(),
        location=party_day_location(branch.name, "小区党群议事点"),
        findings="党员实地查看车棚选址，建议利用3号楼北侧空地",
    )
    topic_consultation_open(
        actor=secretary, topic_id=topic.pk, closes_on=timezone.localdate() + dt.timedelta(days=7)
    )
    resident = district.user("resident")
    topic_opinion_give(actor=resident, topic_id=topic.pk, stance="support", text_="早该建了")
    with pytest.raises(ApplicationError) as exc:
        topic_opinion_give(actor=resident, topic_id=topic.pk, stance="oppose")
    assert exc.value.status == 409
    assert [m.matter.pk for m in matter_public_list(estate_id=estate.pk)] == [matter.pk]
    assert matter_get_for_actor(actor=worker, matter_id=matter.pk).step == 2
    # 3 联席会议决议
    now = timezone.now()
    meeting = meeting_schedule(
        actor=secretary,
        council_id=council.pk,
        data=MeetingInput(
            title="红色物业联席会议",
            starts_at=now - dt.timedelta(hours=2),
            ends_at=now - dt.timedelta(hours=1),
            location="社区党群服务中心",
        ),
        topic_ids=[topic.pk],
    )
    present = list(council.members.all())
    for m in present:
        meeting_attendance_record(actor=secretary, meeting_id=meeting.pk, member_id=m.pk)
    item = meeting.agenda.get()
    meeting_topic_decide(
        actor=secretary,
        item_id=item.pk,
        votes={m.pk: "for" for m in present},
        resolution=ResolutionInput(
            content="物业公司出资建设充电车棚，业委会监督",
            owner_name=company.name,
            due_on=timezone.localdate(),
        ),
    )
    meeting_minutes_record(actor=secretary, meeting_id=meeting.pk, minutes="三方一致同意建设充电车棚")
    view = matter_get_for_actor(actor=worker, matter_id=matter.pk)
    assert view.step == 3 and view.resolution is not None
    # 4 公开评议
    resolution = view.resolution
    resolution_notice_publish(actor=secretary, resolution_id=resolution.pk)
    resolution_implementation_start(actor=secretary, resolution_id=resolution.pk)
    resolution_complete(actor=secretary, resolution_id=resolution.pk, result="充电车棚已建成投用")
    resolution_result_publish(actor=secretary, resolution_id=resolution.pk)
    resolution_rate(actor=resident, resolution_id=resolution.pk, score=5, comment="方便多了")
    with pytest.raises(ApplicationError) as exc:
        resolution_rate(actor=resident, resolution_id=resolution.pk, score=1)
    assert exc.value.status == 409
    view = matter_get_for_actor(actor=worker, matter_id=matter.pk)
    assert view.topic is not None and view.topic.status == TopicStatus.PUBLISHED
    assert view.step == 4 and all(s["done"] for s in view.steps)
    assert [e.step for e in view.events][:2] == ["proposed", "accepted"]
    # the assessment counts the resolution carried out
    q = quarter_containing(timezone.localdate())
    assert resolution_figures(estate_ids={estate.pk}, start=q.start, end=q.end) == {estate.pk: (1, 1)}
    rows = property_assessment_run(
        actor=district.user("subdistrict_staff"), subdistrict_id=district.subdistricts["A"].pk, quarter=q.key
    )
    company_row = next(r for r in rows if r.subject == Subject.COMPANY)
    assert company_row.indicators["resolutions_done"]["score"] == 100.0
    assert company_row.score == Decimal("100.00")  # only the resolutions have figures this quarter


def test_a_declined_matter_and_the_proposer_must_exist(district):
    estate, _company, _committee, _branch = _estate(district)
    worker, secretary = district.user("community_worker"), district.user("community_secretary")
    matter = property_matter_propose(
        actor=worker,
        estate_id=estate.pk,
        data=MatterInput(
            title="提高物业费", description="拟每平方米上调0.3元", proposer_kind=ProposerKind.OWNERS_COMMITTEE
        ),
    )
    topic_id = matter.topic_id or 0
    topic_decline(actor=secretary, topic_id=topic_id, reason="物业费调整须经业主大会表决，不属联席会议事项")
    view = matter_get_for_actor(actor=worker, matter_id=matter.pk)
    assert view.topic is not None and view.topic.status == "declined" and view.step == 1
    assert not any(s["current"] for s in view.steps)
    with pytest.raises(ApplicationError) as exc:  # the same joint meeting council, one per estate
        topic_accept(actor=secretary, topic_id=topic_id)
    assert exc.value.status == 409
    second = property_matter_propose(
        actor=worker,
        estate_id=estate.pk,
        data=MatterInput(title="楼道清理", description="清理楼道杂物", proposer_kind=ProposerKind.COMPANY),
    )
    assert Topic.objects.get(pk=second.topic_id or 0).council_id == Topic.objects.get(pk=topic_id).council_id
    with pytest.raises(ApplicationError) as exc:  # a subdistrict clerk does not run the community's councils
        property_matter_propose(
            actor=district.user("subdistrict_staff"),
            estate_id=estate.pk,
            data=MatterInput(title="x", description="y", proposer_kind=ProposerKind.COMPANY),
        )
    assert exc.value.status == 404


def test_only_an_estate_with_the_proposer_can_propose(district):
    from gongzhi.property.tests.factories import estate_of

    estate = estate_of(district, "A2")
    with pytest.raises(ApplicationError) as exc:
        property_matter_propose(
            actor=district.user("district_admin"),
            estate_id=estate.pk,
            data=MatterInput(
                title="加装电梯", description="老楼加装电梯", proposer_kind=ProposerKind.COMPANY
            ),
        )
    assert exc.value.fields == {"proposer_kind": "本小区没有在册的物业企业提供服务"}
