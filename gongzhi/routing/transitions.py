"""The allowed moves of a candidate keyword: data only, checked by ``gongzhi.core.workflow.check_move``."""

from __future__ import annotations

from gongzhi.core.workflow import Workflow
from gongzhi.routing.enums import KeywordStatus

KEYWORD = Workflow.from_pairs(
    subject="候选关键词",
    states=KeywordStatus,
    allowed={KeywordStatus.PROPOSED: (KeywordStatus.APPROVED, KeywordStatus.REJECTED)},
)
