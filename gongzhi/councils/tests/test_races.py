"""Only one may win in co-governance, with real threads at a barrier (gongzhi.testing.concurrency): a
resident's opinion sent twice at once counts once, and an agenda item is decided once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.audit.models import AuditEvent
from gongzhi.councils.models import AgendaItem, Opinion, Resolution, Topic, Vote
from gongzhi.councils.services import (
    ResolutionInput,
    meeting_topic_decide,
    topic_consultation_open,
    topic_opinion_give,
)
from gongzhi.councils.tests.factories import make_council, make_meeting, make_topic
from gongzhi.testing.concurrency import one_winner, race

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_resident_giving_an_opinion_twice_at_once_counts_once(district):
    council = make_council(district)
    topic = make_topic(district, council)
    topic_consultation_open(
        actor=district.user("community_worker"),
        topic_id=topic.pk,
        closes_on=timezone.localdate() + dt.timedelta(days=3),
    )
    resident = district.user("resident")
    results = race(
        lambda: topic_opinion_give(actor=resident, topic_id=topic.pk, stance="support"),
        lambda: topic_opinion_give(actor=resident, topic_id=topic.pk, stance="oppose"),
    )
    one_winner(results, message="每位居民限一次")
    topic = Topic.objects.get(pk=topic.pk)
    assert Opinion.objects.filter(topic=topic).count() == 1 and topic.opinions_total == 1
    assert AuditEvent.objects.filter(event_type="councils.opinion_given").count() == 1


def test_one_decision_per_agenda_item(district):
    council = make_council(district)
    topic = make_topic(district, council)
    meeting, members = make_meeting(district, council, [topic])
    item = meeting.agenda.get()
    votes = {m.pk: "for" for m in members}

    def decide():
        return meeting_topic_decide(
            actor=district.user("community_secretary"),
            item_id=item.pk,
            votes=votes,
            resolution=ResolutionInput(content="更换管网"),
        )

    one_winner(race(decide, decide), message="已表决")
    assert Resolution.objects.filter(topic=topic).count() == 1
    assert Vote.objects.filter(item=item).count() == len(members)
    assert AgendaItem.objects.get(pk=item.pk).decision == "adopted"
