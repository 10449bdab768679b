"""Reads of the property matters (四步议事) with their deliberation as the engine (``councils``) holds it:
the topic's state, its timeline, the joint meeting's resolution; which of the four steps a matter is at;
the matters a resident may see and rate; and the resolutions the assessment counts.

Who sees a matter: the staff and the auditor placed over its estate (as the estate's profile); a resident
the matters of their estate that the engine shows the public (consultation open, decided, carried out).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from gongzhi.core.errors import NotFound
from gongzhi.property.models import PropertyMatter
from gongzhi.property.selectors.estates import estate_row_visible_q

if TYPE_CHECKING:
    from gongzhi.core.types import Actor
    from gongzhi.councils.models import Resolution, Topic, TopicEvent

# The four steps, and the engine's topic states that belong to each.
STEPS = [
    (1, gettext_noop("提议"), ("proposed",)),
    (2, gettext_noop("主题党日+阳光议事"), ("accepted", "consulting")),
    (3, gettext_noop("联席会议决议"), ("scheduled", "resolved", "voted_down")),
    (4, gettext_noop("公开评议"), ("implementing", "completed", "published")),
]
STEP_OF = {state: n for n, _label, states in STEPS for state in states}
STEP_OF["declined"] = 1


@dataclass
class MatterView:
    matter: PropertyMatter
    topic: Topic | None = None
    resolution: Resolution | None = None
    events: list[TopicEvent] = field(default_factory=list)

    @property
    def step(self) -> int:
        return STEP_OF.get(self.topic.status, 1) if self.topic else 1

    @property
    def step_label(self) -> str:
        return gettext(next(label for n, label, _s in STEPS if n == self.step))

    @property
    def steps(self) -> list[dict[str, Any]]:
        ended = self.topic is not None and self.topic.status in ("declined", "voted_down")
        return [
            {
                "n": n,
                "label": gettext(label),
                "done": n < self.step or (self.topic is not None and self.topic.status == "published"),
                "current": n == self.step and not ended,
            }
            for n, label, _s in STEPS
        ]

    @property
    def proposer(self) -> str:
        if self.matter.company_id and self.matter.company:
            return self.matter.company.name
        if self.matter.committee_id and self.matter.committee:
            return self.matter.committee.name
        return ""


def _views(matters: list[PropertyMatter], *, events: bool = False) -> list[MatterView]:
    from gongzhi.councils.models import Resolution, Topic, TopicEvent

    topic_ids = [m.topic_id for m in matters if m.topic_id]
    topics = {t.pk: t for t in Topic.objects.filter(pk__in=topic_ids)}
    resolutions = {r.topic_id: r for r in Resolution.objects.filter(topic_id__in=topic_ids)}
    by_topic: dict[int, list[TopicEvent]] = defaultdict(list)
    if events:
        for e in TopicEvent.objects.filter(topic_id__in=topic_ids).order_by("at", "id"):
            by_topic[e.topic_id].append(e)
    return [
        MatterView(
            matter=m,
            topic=topics.get(m.topic_id) if m.topic_id else None,
            resolution=resolutions.get(m.topic_id) if m.topic_id else None,
            events=by_topic.get(m.topic_id or 0, []),
        )
        for m in matters
    ]


def matter_queryset_for_actor(*, actor: Actor | None) -> QuerySet[PropertyMatter]:
    qs = (
        PropertyMatter.objects.all()
        if actor is None
        else PropertyMatter.objects.filter(estate_row_visible_q(actor))
    )
    return qs.select_related("estate", "company", "committee").order_by("-created_at", "-id")


def matter_list_for_actor(
    *, actor: Actor, estate_id: int | None = None, limit: int = 200
) -> list[MatterView]:
    qs = matter_queryset_for_actor(actor=actor)
    if estate_id:
        qs = qs.filter(estate_id=estate_id)
    return _views(list(qs[:limit]))


def matter_get_for_actor(*, actor: Actor | None, matter_id: int) -> MatterView:
    matter = matter_queryset_for_actor(actor=actor).filter(pk=matter_id).first()
    if matter is None:
        raise NotFound("物业议事事项不存在或无权查看")
    return _views([matter], events=True)[0]


def matter_public_list(*, estate_id: int, limit: int = 50) -> list[MatterView]:
    """The estate's matters the engine shows residents (consultation open, decided, carried out)."""
    from gongzhi.councils.enums import PUBLIC_TOPIC_STATUSES
    from gongzhi.councils.models import Topic

    public = Topic.objects.filter(source_kind="property", status__in=PUBLIC_TOPIC_STATUSES).values("pk")
    rows = list(
        PropertyMatter.objects.filter(estate_id=estate_id, topic_id__in=public)
        .select_related("company", "committee")
        .order_by("-created_at", "-id")[:limit]
    )
    return _views(rows)


def resolution_figures(*, estate_ids: set[int], start: dt.date, end: dt.date) -> dict[int, tuple[int, int]]:
    """Per estate: (resolutions of its matters to carry out in the period, of those carried out).

    A resolution adopted by the period's end counts when it was due by the period's end or was carried out
    within the period; one carried out before the period began was counted then. Carried out = completed
    (办结) by the period's end."""
    from gongzhi.councils.models import Resolution

    if not estate_ids:
        return {}
    topic_estate = dict(
        PropertyMatter.objects.filter(estate_id__in=sorted(estate_ids), topic_id__isnull=False).values_list(
            "topic_id", "estate_id"
        )
    )
    out: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    tz = timezone.get_current_timezone()
    rows = Resolution.objects.filter(topic_id__in=list(topic_estate)).values_list(
        "topic_id", "created_at", "due_on", "completed_at"
    )
    for topic_id, created, due_on, completed in rows:
        if created.astimezone(tz).date() > end:
            continue
        done_on = completed.astimezone(tz).date() if completed else None
        if done_on is not None and done_on < start:
            continue
        in_period = done_on is not None and done_on <= end
        if not ((due_on is not None and due_on <= end) or in_period):
            continue
        f = out[topic_estate[topic_id]]
        f[0] += 1
        if in_period:
            f[1] += 1
    return {k: (v[0], v[1]) for k, v in out.items()}
