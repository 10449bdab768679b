"""Retraining with a gate: the shipped corpus plus the district's decided tickets (recent ones weighted
more) train a candidate; the most recent decided tickets are held back; the candidate replaces the model
in use only if it is at least as good there (mean of category, level and department accuracy)."""

from __future__ import annotations

import math
import random
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from gongzhi.audit.services import audit_record
from gongzhi.core.errors import Conflict
from gongzhi.core.permissions import require
from gongzhi.routing import classifier, selectors
from gongzhi.routing.models import ModelVersion, Suggestion
from gongzhi.routing.taxonomy import BY_CODE, CLASSES

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

HELD_BACK_SHARE = 0.2
MIN_HELD_BACK = 5
HALF_LIFE_DAYS = 90.0


def _mean(acc: dict[str, float]) -> float:
    return (acc["category"] + acc["level"] + acc["department_type"]) / 3


def _noisy(examples: list[classifier.Example], share: float, rng: random.Random) -> list[classifier.Example]:
    """``share`` of the examples relabelled to the small class half the list away (a systematic error, so
    the wrong label wins): a deliberately worse model, for the gate's test and ``--label-noise``."""
    order = [c.code for c in CLASSES]
    out = []
    for e in examples:
        if rng.random() < share and e.code in BY_CODE:
            c = BY_CODE[order[(order.index(e.code) + len(order) // 2) % len(order)]]
            e = classifier.Example(e.text, c.code, c.level, c.department_type, e.weight)
        out.append(e)
    return out


@transaction.atomic
def routing_model_retrain(
    *,
    actor: Actor | None,
    now: datetime | None = None,
    label_noise: float = 0.0,
    per_class: int = 60,
    seed: int = 24,
) -> ModelVersion:
    require(actor, "routing.retrain_model")
    at = now or timezone.now()
    decided = list(
        Suggestion.objects.filter(accepted_without_change__isnull=False)
        .exclude(final_code="")
        .order_by("decided_at", "id")
        .values_list("text", "final_code", "final_level", "final_department_type", "decided_at")
    )
    held_n = max(MIN_HELD_BACK, int(len(decided) * HELD_BACK_SHARE))
    if len(decided) < 2 * held_n:
        raise Conflict(
            f"本区已确定的工单只有{len(decided)}件，不足以留出验收样本（至少需要{2 * held_n}件）",
            code="too_few_decisions",
        )
    train_rows, held_rows = decided[:-held_n], decided[-held_n:]

    def example(row: tuple, weight: float) -> classifier.Example:
        text, code, level, dept, _ = row
        small = BY_CODE.get(code)
        return classifier.Example(
            text,
            code,
            level or (small.level if small else ""),
            dept or (small.department_type if small else ""),
            weight,
        )

    corrections = []
    for row in train_rows:
        age = max(0.0, (at - row[4]).total_seconds() / 86400) if row[4] else 365.0
        corrections.append(example(row, 1.0 + 4.0 * math.pow(0.5, age / HALF_LIFE_DAYS)))
    held = [example(row, 1.0) for row in held_rows]
    rng = random.Random(seed)
    training = classifier.corpus_examples(per_class=per_class, seed=seed) + corrections
    if label_noise:
        training = _noisy(training, label_noise, rng)
    candidate = classifier.train(
        training,
        keywords_extra=selectors.approved_keywords(),
        meta={"trained_at": at.isoformat(), "corrections": len(corrections), "label_noise": label_noise},
    )
    label, current = selectors.active_model()
    cand_acc = classifier.accuracy(candidate, held)
    curr_acc = classifier.accuracy(current, held)
    passed = _mean(cand_acc) >= _mean(curr_acc)
    if passed:
        ModelVersion.objects.filter(active=True).update(active=False)
    version = ModelVersion.objects.create(
        created_by_id=actor.pk if actor is not None else None,
        blob=candidate.dumps(),
        active=passed,
        deployed=passed,
        examples=len(training),
        corrections=len(corrections),
        held_back=len(held),
        candidate_accuracy={k: round(v, 4) for k, v in cand_acc.items()},
        current_accuracy={k: round(v, 4) for k, v in curr_acc.items()},
        note=(
            f"留出集上不低于在用模型（{label}），已启用"
            if passed
            else f"留出集上不如在用模型（{label}），未启用"
        ),
    )
    audit_record(
        actor=actor,
        target=version,
        event="routing.retrain",
        data={
            "deployed": passed,
            "candidate": version.candidate_accuracy,
            "current": version.current_accuracy,
        },
    )
    if passed:
        transaction.on_commit(selectors.forget_model)
    return version
