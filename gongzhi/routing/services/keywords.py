"""Candidate keywords mined from corrections, and the admin's decision on each. Approved words join the
lexicon's keywords at the next retraining (``routing_model_retrain``)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.core.errors import NotFound
from gongzhi.core.permissions import require
from gongzhi.core.workflow import check_move
from gongzhi.routing.enums import KeywordStatus
from gongzhi.routing.lexicon import LEXICON
from gongzhi.routing.models import KeywordCandidate, Suggestion
from gongzhi.routing.transitions import KEYWORD

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

_SPLIT = re.compile(r"[^\u4e00-\u9fa5]+")
_EDGE = set("的了在是我有和就不也很到说要去你会着没都又还被把给让从对")
PER_CLASS = 5


def _words(text: str) -> set[str]:
    out = set()
    for chunk in _SPLIT.split(text):
        for n in (2, 3, 4, 5):
            for i in range(len(chunk) - n + 1):
                w = chunk[i : i + n]
                if w[0] not in _EDGE and w[-1] not in _EDGE:
                    out.add(w)
    return out


def _overlap(a: str, b: str) -> bool:
    """Whether two words share two consecutive characters (fragments of one phrase)."""
    return bool({a[i : i + 2] for i in range(len(a) - 1)} & {b[i : i + 2] for i in range(len(b) - 1)})


@transaction.atomic
def keyword_candidates_mine(
    *, actor: Actor | None, district_code: str, min_support: int = 3, now: datetime | None = None
) -> int:
    """Words that keep appearing in tickets corrected to a small class and seldom elsewhere: at least
    ``min_support`` corrected tickets, at least 60 % of the decided tickets containing the word ended in
    that class, not yet a keyword of it. Up to five per class; returns how many are new or updated."""
    require(actor, "routing.manage_keyword")
    rows = list(
        Suggestion.objects.filter(district_code=district_code, accepted_without_change__isnull=False)
        .exclude(final_code="")
        .values_list("text", "code", "final_code")
    )
    in_class: dict[str, Counter[str]] = defaultdict(Counter)
    overall: Counter[str] = Counter()
    for text, code, final in rows:
        words = _words(text)
        overall.update(words)
        if final != code:
            in_class[final].update(words)
    known = {code: set(kws.split()) for code, (kws, _) in LEXICON.items()}
    existing = {
        (c, w): k
        for k in KeywordCandidate.objects.select_for_update().filter(district_code=district_code)
        for c, w in [(k.code, k.word)]
    }
    changed = 0
    for code, counts in in_class.items():
        picked: list[str] = []
        ranked = sorted(counts.items(), key=lambda wn: (-wn[1], -len(wn[0]), wn[0]))
        for word, n in ranked:
            if n < min_support:
                break
            if word in known.get(code, set()) or n / overall[word] < 0.6:
                continue
            if any(_overlap(word, other) for other in picked):  # the longer word already taken covers it
                continue
            picked.append(word)
            row = existing.get((code, word))
            if row is None:
                KeywordCandidate.objects.create(district_code=district_code, code=code, word=word, support=n)
                changed += 1
            elif row.status == KeywordStatus.PROPOSED and row.support != n:
                row.support = n
                row.save(update_fields=["support"])
                changed += 1
            if len(picked) >= PER_CLASS:
                break
    from gongzhi.places.models import District

    district = District.objects.filter(code=district_code).first()
    if district is not None:
        audit_record(
            actor=actor,
            target=district,
            event="routing.mine_keywords",
            data={"corrections": sum(1 for _, c, f in rows if c != f), "candidates": changed},
        )
    return changed


@transaction.atomic
def keyword_candidate_decide(
    *, actor: Actor | None, candidate_id: int, approve: bool, now: datetime | None = None
) -> KeywordCandidate:
    row = KeywordCandidate.objects.select_for_update().filter(pk=candidate_id).first()
    if row is None:
        raise NotFound(gettext("候选关键词不存在"))
    require(actor, "routing.manage_keyword")
    target = KeywordStatus.APPROVED if approve else KeywordStatus.REJECTED
    row.status = check_move(KEYWORD, target, row.status)
    row.decided_at = now or timezone.now()
    row.decided_by_id = actor.pk if actor is not None else None
    row.save(update_fields=["status", "decided_at", "decided_by"])
    audit_record(
        actor=actor,
        target=row,
        event="routing.approve_keyword" if approve else "routing.reject_keyword",
        data={"code": row.code, "word": row.word},
    )
    return row
