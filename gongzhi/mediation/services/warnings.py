"""The warning rules a district admin keeps, the weekly run that turns the records into warnings per
community (idempotent: a re-run of the week refreshes its open warnings), and the hand-over and close
of a warning with what was done."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from gongzhi.audit.services import audit_record
from gongzhi.core import codes
from gongzhi.core.errors import NotFound, field_error
from gongzhi.core.permissions import allowed, require
from gongzhi.core.roles import DISTRICT_ADMINS
from gongzhi.core.scope import scope_of
from gongzhi.core.workflow import check_move
from gongzhi.mediation import early_warning
from gongzhi.mediation.enums import WarningKind, WarningStatus
from gongzhi.mediation.models import DisputeWarning, WarningRule
from gongzhi.mediation.services._validation import clean_text, raise_if
from gongzhi.mediation.services.registers import week_of
from gongzhi.mediation.transitions import WARNING

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def _district(actor: Actor | None, district_code: str, perm: str) -> Any:
    """The district, for its admin (or the system): the rules and the run are district-wide."""
    from gongzhi.places.models import District

    district = District.objects.filter(code=district_code).first()
    if district is None:
        raise NotFound("区县不存在")
    require(actor, perm, None)
    if actor is not None and not scope_of(actor).covers(
        SimpleNamespace(district_code=district.code), DISTRICT_ADMINS
    ):
        raise NotFound("区县不存在")
    return district


@transaction.atomic
def warning_rule_save(
    *,
    actor: Actor | None,
    district_code: str,
    kind: str,
    window_days: int,
    threshold: int,
    active: bool = True,
) -> WarningRule:
    district = _district(actor, district_code, "mediation.edit_warning_rules")
    errors: dict[str, str] = {}
    if kind not in WarningKind.values:
        errors["kind"] = "无法识别的预警类型"
    if isinstance(window_days, bool) or not isinstance(window_days, int) or not 1 <= window_days <= 365:
        errors["window_days"] = "统计天数应为1到365的整数"
    if isinstance(threshold, bool) or not isinstance(threshold, int) or not 1 <= threshold <= 1000:
        errors["threshold"] = "阈值应为1到1000的整数"
    raise_if(errors)
    rule, _created = WarningRule.objects.update_or_create(
        district_code=district_code,
        kind=kind,
        defaults={"window_days": window_days, "threshold": threshold, "active": bool(active)},
    )
    audit_record(
        actor=actor,
        target=district,
        event="mediation.warning_rule_saved",
        data={"kind": kind, "window_days": window_days, "threshold": threshold, "active": bool(active)},
    )
    return rule


@transaction.atomic
def warnings_run(
    *, actor: Actor | None, district_code: str, week_start: dt.date | None = None
) -> dict[str, int]:
    """The week's warning list of every community of the district: computed as of the week's Monday
    morning (the screening that week starts from it). Returns counts per kind and how many are new."""
    district = _district(actor, district_code, "mediation.run_warnings")
    monday = week_of(week_start or timezone.localdate())
    until = dt.datetime.combine(monday, dt.time(0, 0), tzinfo=timezone.get_current_timezone())
    signals = early_warning.signals_of(district_code, until)
    existing = {
        (w.community_code, w.kind, w.key): w
        for w in DisputeWarning.objects.select_for_update().filter(
            district_code=district_code, week_start=monday
        )
    }
    new_rows: list[DisputeWarning] = []
    counts: dict[str, int] = dict.fromkeys(WarningKind.values, 0)
    for s in signals:
        counts[s.kind] += 1
        row = existing.get((s.community_code, s.kind, s.key))
        if row is not None:
            if row.status != WarningStatus.CLOSED:
                row.subject, row.count, row.evidence = s.subject[:200], s.count, s.evidence
                row.save(update_fields=["subject", "count", "evidence", "updated_at"])
            continue
        row = DisputeWarning(
            kind=s.kind,
            week_start=monday,
            key=s.key,
            subject=s.subject[:200],
            count=s.count,
            evidence=s.evidence,
            case_id=s.case_id,
            district_code=district_code,
            subdistrict_code=codes.subdistrict_of(s.community_code),
            community_code=s.community_code,
            grid_code=s.grid_code,
        )
        new_rows.append(row)
    DisputeWarning.objects.bulk_create(new_rows)
    out = {**counts, "new": len(new_rows), "total": len(signals)}
    audit_record(
        actor=actor, target=district, event="mediation.warnings_run", data={"week": str(monday), **out}
    )
    return out


def _locked(actor: Actor | None, warning_id: int) -> DisputeWarning:
    row = DisputeWarning.objects.select_for_update().filter(pk=warning_id).first()
    if row is None or not allowed(actor, "mediation.handle_warning", row):
        raise NotFound("预警不存在或无权查看")
    return row


@transaction.atomic
def warning_hand_over(*, actor: Actor | None, warning_id: int, handler_id: int) -> DisputeWarning:
    """指派: the warning goes to a person of its place (a grid worker, a mediator with an account)."""
    from gongzhi.accounts.models import User

    row = _locked(actor, warning_id)
    new = check_move(WARNING, "take", row.status)
    handler = User.objects.filter(pk=handler_id, is_active=True).first()
    if handler is None or not allowed(handler, "mediation.view_warning", row):
        raise field_error("handler_id", "请指派给预警所在地的工作人员")
    row.status, row.handler = new, handler
    row.save(update_fields=["status", "handler", "updated_at"])
    audit_record(actor=actor, target=row, event="mediation.warning_handed_over", data={"handler": handler.pk})
    return row


@transaction.atomic
def warning_close(*, actor: Actor | None, warning_id: int, action: str) -> DisputeWarning:
    """化解: closed with what was done."""
    row = _locked(actor, warning_id)
    new = check_move(WARNING, "close", row.status)
    errors: dict[str, str] = {}
    action = clean_text(errors, "action", action, "处置情况", max_length=500)
    raise_if(errors)
    row.status, row.action, row.closed_on = new, action, timezone.localdate()
    row.save(update_fields=["status", "action", "closed_on", "updated_at"])
    audit_record(actor=actor, target=row, event="mediation.warning_closed", data={"action": action})
    return row
