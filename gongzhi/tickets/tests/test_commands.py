"""tickets_supervise: the periodic sweep as a command, once or in a loop."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from gongzhi.tickets import services as svc
from gongzhi.tickets.enums import Level
from gongzhi.tickets.models import Supervision
from gongzhi.tickets.tests.helpers import report


def _overdue(district, hours: int):
    gw = district.user("grid_worker")
    start = timezone.now() - timedelta(hours=10)
    t = report(district, "resident", "路灯不亮", now=start)
    svc.ticket_accept(actor=gw, ticket_id=t.pk, now=start)
    svc.ticket_dispatch(
        actor=gw, ticket_id=t.pk, level=Level.GRID, limit_amount=hours, limit_unit="hours", now=start
    )
    return t


def test_supervise_once_issues_the_cards_earned(district):
    t = _overdue(district, 6)  # reported 10 hours ago: deadline 4 hours ago, red card in 2 hours
    out = StringIO()
    call_command("tickets_supervise", stdout=out)
    assert "黄牌督办 1 件，红牌督办 0 件" in out.getvalue()
    assert list(Supervision.objects.filter(ticket=t).values_list("kind", flat=True)) == ["yellow"]
    late = _overdue(district, 3)  # deadline 7 hours ago, red card 4 hours ago: both at once
    out = StringIO()
    call_command("tickets_supervise", stdout=out)
    assert "黄牌督办 1 件，红牌督办 1 件" in out.getvalue()
    assert Supervision.objects.filter(ticket=late).count() == 2
    out = StringIO()
    call_command("tickets_supervise", stdout=out)
    assert "黄牌督办 0 件，红牌督办 0 件" in out.getvalue()
    assert Supervision.objects.filter(ticket=t).count() == 1


def test_supervise_loops(district):
    _overdue(district, 6)
    out = StringIO()
    call_command("tickets_supervise", "--every", "1", "--times", "2", stdout=out)
    lines = [line for line in out.getvalue().splitlines() if "督办巡检完成" in line]
    assert len(lines) == 2
    assert "黄牌督办 1 件" in lines[0] and "黄牌督办 0 件" in lines[1]
    with pytest.raises(CommandError):
        call_command("tickets_supervise", "--every", "-5", stdout=StringIO())
