"""The deliberation engine on hand-made cases: a declined topic, a resolution voted down, a milestone gone
overdue, a resident's second opinion refused; every illegal step a Chinese 409; the whole way to a rating."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.audit.models import AuditEvent
from gongzhi.core.errors import Conflict, Forbidden, NotFound
from gongzhi.councils import selectors
from gongzhi.councils.enums import Decision, Stance, TopicSource, TopicStatus, TopicStep
from gongzhi.councils.models import Resolution, Topic
from gongzhi.councils.services import (
    ResolutionInput,
    TopicInput,
    meeting_minutes_record,
    meeting_topic_decide,
    resolution_complete,
    resolution_implementation_start,
    resolution_milestone_add,
    resolution_milestone_done,
    resolution_notice_publish,
    resolution_progress_update,
    resolution_rate,
    resolution_result_publish,
    topic_accept,
    topic_consultation_open,
    topic_decline,
    topic_field_visit_record,
    topic_opinion_give,
    topic_propose,
    topic_review_record,
)
from gongzhi.councils.tests.factories import make_council, make_meeting, make_resident, make_topic

pytestmark = pytest.mark.django_db


def test_declined_topic_keeps_its_reason_and_cannot_go_on(district):
    d = district
    council = make_council(d)
    resident = d.user("resident")
    topic = topic_propose(
        actor=resident,
        council_id=council.pk,
        data=TopicInput(title="小区里养鸽子扰民"),
        source_kind=TopicSource.RESIDENT,
    )
    assert topic.status == TopicStatus.PROPOSED and topic.proposer_label.endswith("*")
    with pytest.raises(Exception) as exc:
        topic_decline(actor=d.user("community_secretary"), topic_id=topic.pk, reason="")
    assert "不予受理理由" in str(exc.value)
    topic = topic_decline(
        actor=d.user("community_secretary"), topic_id=topic.pk, reason="属于个人纠纷，转人民调解"
    )
    assert topic.status == TopicStatus.DECLINED and topic.decline_reason == "属于个人纠纷，转人民调解"
    with pytest.raises(Conflict) as exc:
        topic_accept(actor=d.user("community_secretary"), topic_id=topic.pk)
    assert exc.value.status == 409 and "议题当前状态为“不予受理”，不能列入议程" in exc.value.message
    steps = list(topic.events.values_list("step", "actor_label"))
    assert steps == [(TopicStep.PROPOSED, "resident"), (TopicStep.DECLINED, "community_secretary")]
    assert (
        AuditEvent.objects.filter(event_type="councils.topic_declined", target_id=str(topic.pk)).count() == 1
    )


def test_a_resident_cannot_propose_to_another_community_nor_staff_of_another_edit(district):
    d = district
    council_b = make_council(d, community="B1", members=0)
    with pytest.raises(Forbidden):
        topic_propose(
            actor=d.user("resident"),
            council_id=council_b.pk,
            data=TopicInput(title="x"),
            source_kind="resident",
        )
    topic = make_topic(d, make_council(d), accepted=False)
    # The community worker of A1 sees nothing of B1's council: the same 404 as a missing one.
    with pytest.raises(NotFound):
        selectors.council_get_for_actor(actor=d.user("community_worker"), council_id=council_b.pk)
    with pytest.raises(NotFound):
        topic_accept(actor=d.user("grid_worker"), topic_id=topic.pk)


def test_own_proposal_is_not_accepted_by_its_proposer(district):
    d = district
    council = make_council(d)
    topic = topic_propose(
        actor=d.user("community_secretary"), council_id=council.pk, data=TopicInput(title="加装电梯")
    )
    with pytest.raises(Forbidden) as exc:
        topic_accept(actor=d.user("community_secretary"), topic_id=topic.pk)
    assert exc.value.code == "own_work"


def test_second_opinion_of_a_resident_is_refused_and_the_tally_counts_once(district):
    d = district
    council = make_council(d)
    topic = make_topic(d, council)
    today = timezone.localdate()
    topic_consultation_open(
        actor=d.user("community_worker"), topic_id=topic.pk, closes_on=today + dt.timedelta(days=7)
    )
    resident = d.user("resident")
    topic_opinion_give(actor=resident, topic_id=topic.pk, stance=Stance.SUPPORT, text_="早该修了")
    with pytest.raises(Conflict) as exc:
        topic_opinion_give(actor=resident, topic_id=topic.pk, stance=Stance.OPPOSE)
    assert exc.value.code == "already_given" and "每位居民限一次" in exc.value.message
    other = make_resident(d)
    topic_opinion_give(actor=other, topic_id=topic.pk, stance=Stance.OPPOSE, text_="费用谁出")
    topic.refresh_from_db()
    assert (topic.opinions_support, topic.opinions_oppose, topic.opinions_neutral) == (1, 1, 0)
    # A resident of another community gives none.
    outsider = make_resident(d, grid="g4")
    with pytest.raises(Forbidden):
        topic_opinion_give(actor=outsider, topic_id=topic.pk, stance=Stance.SUPPORT)


def test_resolution_voted_down(district):
    d = district
    council = make_council(d)
    topic = make_topic(d, council, title="小区内增设收费停车位")
    meeting, members = make_meeting(d, council, [topic], attend=5)
    item = meeting.agenda.get()
    votes = {
        members[0].pk: "for",
        members[1].pk: "against",
        members[2].pk: "against",
        members[3].pk: "abstain",
    }
    # A member who did not come does not vote.
    with pytest.raises(Exception) as exc:
        meeting_topic_decide(
            actor=d.user("community_secretary"), item_id=item.pk, votes={members[5].pk: "for"}
        )
    assert "只有到会成员可以表决" in str(exc.value)
    item = meeting_topic_decide(actor=d.user("community_secretary"), item_id=item.pk, votes=votes)
    topic.refresh_from_db()
    assert item.decision == Decision.REJECTED and (
        item.votes_for,
        item.votes_against,
        item.votes_abstain,
    ) == (1, 2, 1)
    assert topic.status == TopicStatus.VOTED_DOWN and not Resolution.objects.filter(topic=topic).exists()
    assert item.votes.count() == 4
    meeting = meeting_minutes_record(
        actor=d.user("community_worker"), meeting_id=meeting.pk, minutes="议题未通过。"
    )
    assert meeting.status == "held"


def test_no_quorum_no_vote(district):
    d = district
    council = make_council(d)
    topic = make_topic(d, council)
    meeting, members = make_meeting(d, council, [topic], attend=3)
    with pytest.raises(Conflict) as exc:
        meeting_topic_decide(
            actor=d.user("community_secretary"), item_id=meeting.agenda.get().pk, votes={members[0].pk: "for"}
        )
    assert exc.value.code == "no_quorum"


def test_major_topic_needs_a_review_before_the_meeting(district):
    d = district
    council = make_council(d)
    topic = make_topic(d, council, major=True)
    with pytest.raises(Conflict) as exc:
        make_meeting(d, council, [topic])
    assert exc.value.code == "review_required"
    topic_review_record(
        actor=d.user("community_worker"), topic_id=topic.pk, reviewer="济南某工程咨询公司", opinion="方案可行"
    )
    _meeting, _ = make_meeting(d, council, [topic])
    assert Topic.objects.get(pk=topic.pk).status == TopicStatus.SCHEDULED


def _adopted(d, council, **kw):
    topic = make_topic(d, council, **kw)
    meeting, members = make_meeting(d, council, [topic])
    votes = {m.pk: "for" for m in members[:4]} | {members[4].pk: "against"}
    meeting_topic_decide(
        actor=d.user("community_secretary"),
        item_id=meeting.agenda.get().pk,
        votes=votes,
        resolution=ResolutionInput(
            content="分两期更换供热主管网", owner_name="物业公司", due_on=timezone.localdate()
        ),
    )
    return Topic.objects.get(pk=topic.pk), meeting


def test_overdue_milestone_shows_on_the_council(district):
    d = district
    council = make_council(d)
    topic, _meeting = _adopted(d, council)
    resolution = topic.resolution
    worker = d.user("community_worker")
    resolution_implementation_start(actor=worker, resolution_id=resolution.pk)
    today = timezone.localdate()
    late = resolution_milestone_add(
        actor=worker, resolution_id=resolution.pk, title="施工招标", due_on=today - dt.timedelta(days=3)
    )
    resolution_milestone_add(
        actor=worker, resolution_id=resolution.pk, title="管网更换", due_on=today + dt.timedelta(days=30)
    )
    assert list(selectors.overdue_for_council(council)) == [late]
    assert list(selectors.overdue_milestones(actor=d.user("community_worker"))) == [late]
    assert list(selectors.overdue_milestones(actor=d.user("district_admin"))) == [late]
    # Another community's staff do not see it.
    other = make_resident(d, grid="g3")
    assert list(selectors.overdue_milestones(actor=other)) == []
    resolution_milestone_done(actor=worker, milestone_id=late.pk)
    assert list(selectors.overdue_for_council(council)) == []
    # Completing with a milestone open is refused.
    with pytest.raises(Conflict) as exc:
        resolution_complete(actor=d.user("community_secretary"), resolution_id=resolution.pk, result="完成")
    assert exc.value.code == "milestones_open"


def test_the_whole_way_to_a_rating(district):
    d = district
    council = make_council(d)
    resident = d.user("resident")
    topic = topic_propose(
        actor=resident,
        council_id=council.pk,
        data=TopicInput(title="清华园小区供热管网老化"),
        source_kind="resident",
    )
    secretary, worker = d.user("community_secretary"), d.user("community_worker")
    topic_accept(actor=secretary, topic_id=topic.pk)
    topic_field_visit_record(
        actor=worker,
        topic_id=topic.pk,
        visited_on=timezone.localdate(),
        location="清华园3号楼",
        findings="主管网锈蚀",
    )
    topic_consultation_open(
        actor=worker, topic_id=topic.pk, closes_on=timezone.localdate() + dt.timedelta(days=5)
    )
    assert selectors.topic_public_list(council=council).filter(pk=topic.pk).exists()
    topic_opinion_give(actor=resident, topic_id=topic.pk, stance="support")
    topic, _meeting = _adopted_existing(d, council, topic)
    resolution = topic.resolution
    assert resolution.number.startswith(f"{council.community_code}-")
    # Not yet public: residents see it once the notice is published.
    assert not selectors.topic_public_list(council=council).filter(pk=topic.pk).exists()
    resolution_notice_publish(actor=worker, resolution_id=resolution.pk)
    assert selectors.topic_public_list(council=council).filter(pk=topic.pk).exists()
    with pytest.raises(Conflict):
        resolution_rate(actor=resident, resolution_id=resolution.pk, score=5)
    resolution_implementation_start(actor=worker, resolution_id=resolution.pk, owner_id=worker.pk)
    resolution_progress_update(actor=worker, resolution_id=resolution.pk, progress=60)
    with pytest.raises(Exception) as exc:
        resolution_progress_update(actor=worker, resolution_id=resolution.pk, progress=40)
    assert "不能低于" in str(exc.value)
    # The owner does not accept their own work.
    with pytest.raises(Forbidden):
        resolution_complete(actor=worker, resolution_id=resolution.pk, result="已更换")
    resolution_complete(actor=secretary, resolution_id=resolution.pk, result="主管网已更换，室温达标")
    with pytest.raises(Conflict) as exc:
        resolution_complete(actor=secretary, resolution_id=resolution.pk, result="again")
    assert "议题当前状态为“已办结”，不能办结" in exc.value.message
    resolution_result_publish(actor=worker, resolution_id=resolution.pk)
    resolution_rate(actor=resident, resolution_id=resolution.pk, score=5, comment="暖和了")
    with pytest.raises(Conflict) as exc:
        resolution_rate(actor=resident, resolution_id=resolution.pk, score=1)
    assert exc.value.code == "already_rated"
    resolution.refresh_from_db()
    assert (resolution.rating_count, resolution.rating_average, resolution.progress) == (1, 5.0, 100)
    topic.refresh_from_db()
    assert topic.status == TopicStatus.PUBLISHED
    assert topic.events.count() >= 9


def _adopted_existing(d, council, topic):
    meeting, members = make_meeting(d, council, [topic])
    meeting_topic_decide(
        actor=d.user("community_secretary"),
        item_id=meeting.agenda.get().pk,
        votes={m.pk: "for" for m in members},
        resolution=ResolutionInput(content="更换主管网", owner_name="社区居委会"),
    )
    return Topic.objects.get(pk=topic.pk), meeting
