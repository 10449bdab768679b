"""The allowed moves of an assessment run: data only, checked by ``gongzhi.core.workflow.check_move``.

A computed run is a draft (computing again replaces it); publishing freezes it; publishing a newer version
of the same indicator set supersedes the older published one, which stays readable."""

from __future__ import annotations

from gongzhi.assessment.enums import RunStatus as S
from gongzhi.core.workflow import Workflow

RUN = Workflow(
    subject="考核结果",
    states=S,
    moves={
        "recompute": {S.DRAFT: S.DRAFT},
        "publish": {S.DRAFT: S.PUBLISHED},
        "supersede": {S.PUBLISHED: S.SUPERSEDED},
    },
    verbs={"recompute": "重新计算", "publish": "发布", "supersede": "以新版本取代"},
)
