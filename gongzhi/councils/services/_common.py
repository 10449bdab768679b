"""What the councils' services share: field checks raised at once, the _locked row the actor may see, a
_step on a topic's timeline, a masked name."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone

from gongzhi.core import bounds
from gongzhi.core.errors import NotFound, ValidationFailed
from gongzhi.councils.models import Topic, TopicEvent

if TYPE_CHECKING:
    import datetime as dt

    from gongzhi.core.types import Actor


def _raise_errors(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationFailed(next(iter(errors.values())), fields=errors)


def _text(
    errors: dict[str, str], name: str, value: str | None, label: str, max_len: int, required: bool
) -> str:
    value = bounds.clean_text(value or "").strip()
    if required and not value:
        errors[name] = f"请填写{label}"
    elif len(value) > max_len:
        errors[name] = f"{label}不能超过{max_len}个字"
    return value


def _locked(model: type[models.Model], visible: Any, message: str = "") -> Any:
    """The row ``visible`` (already read through a scoped selector), _locked for this transaction."""
    row = model.objects.select_for_update(of=("self",)).filter(pk=visible.pk).first()  # type: ignore[attr-defined]
    if row is None:
        raise NotFound(message or "记录不存在")
    return row


def _user_id(actor: Actor | None) -> int | None:
    """The actor's user id for a ``…_by`` column; the system and anonymous visitors have none."""
    return actor.pk if actor is not None and actor.is_authenticated else None


def _actor_label(actor: Actor | None) -> str:
    if actor is None:
        return "系统"
    return (getattr(actor, "display_label", "") or actor.get_username())[:50]


def _mask_person(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧阳**: a resident's name as a list or a public page shows it."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    keep = 2 if len(name) >= 4 else 1
    return name[:keep] + "*" * (len(name) - keep)


def _step(
    topic: Topic, what: str, actor: Actor | None, note: str = "", at: dt.datetime | None = None
) -> TopicEvent:
    """One _step on the topic's timeline: who, when, what."""
    return TopicEvent.objects.create(
        topic=topic,
        step=what,
        actor_id=_user_id(actor),
        actor_label=_actor_label(actor),
        note=note[:500],
        at=at or timezone.now(),
    )
