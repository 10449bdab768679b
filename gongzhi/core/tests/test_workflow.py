"""core.workflow: the one table type and the one check_move every app's transitions go through."""

from __future__ import annotations

import pytest
from django.db import models

from gongzhi.core.errors import Conflict
from gongzhi.core.workflow import Workflow, check_move


class Light(models.TextChoices):
    REPORTED = "reported", "已上报"
    FIXING = "fixing", "维修中"
    FIXED = "fixed", "已修复"


NAMED = Workflow(
    subject="路灯报修",
    states=Light,
    moves={"start": {Light.REPORTED: Light.FIXING}, "finish": {Light.FIXING: Light.FIXED}},
    verbs={"start": "开始维修", "finish": "完成维修"},
)
PAIRS = Workflow.from_pairs(
    subject="报修",
    states=Light,
    allowed={Light.REPORTED: {Light.FIXING}, Light.FIXING: {Light.FIXED, Light.REPORTED}},
)


def test_an_allowed_move_returns_the_next_state():
    assert check_move(NAMED, "start", Light.REPORTED) == Light.FIXING
    assert check_move(PAIRS, Light.FIXED, Light.FIXING) == Light.FIXED


def test_a_refused_move_is_a_409_in_chinese_naming_the_state_and_the_move():
    with pytest.raises(Conflict) as caught:
        check_move(NAMED, "finish", Light.REPORTED)
    error = caught.value
    assert error.status == 409 and error.code == "illegal_transition"
    assert error.message == "路灯报修当前状态为“已上报”，不能完成维修"
    assert error.as_dict()["move"] == "finish" and error.as_dict()["status"] == "reported"


def test_a_move_named_by_its_target_says_what_it_would_change_to():
    with pytest.raises(Conflict) as caught:
        check_move(PAIRS, Light.FIXED, Light.REPORTED)
    assert caught.value.message == "报修当前状态为“已上报”，不能改为“已修复”"


def test_unknown_moves_are_refused_not_crashed():
    with pytest.raises(Conflict):
        check_move(NAMED, "demolish", Light.REPORTED)


def test_allowed_successors_and_terminal_states():
    assert NAMED.allowed(Light.REPORTED) == ["start"]
    assert PAIRS.successors(Light.FIXING) == {Light.FIXED, Light.REPORTED}
    assert NAMED.terminal(Light.FIXED) and not NAMED.terminal(Light.FIXING)


def test_a_table_naming_an_unknown_state_or_a_verb_without_a_move_is_refused_at_import():
    with pytest.raises(ValueError, match="unknown state"):
        Workflow(subject="x", states=Light, moves={"go": {"nowhere": Light.FIXED}})
    with pytest.raises(ValueError, match="verbs for moves"):
        Workflow(subject="x", states=Light, moves={}, verbs={"go": "走"})
