"""Writes of the yearly contest (项目大赛): open it, add judges and entries, start the scoring, score
(one sheet per judge and entry, never an entry of the judge's own organisation), finish (the ranking
and the winners, ``ranking.py``), and name brand projects among the winners."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from gongzhi.audit.services import audit_record
from gongzhi.core import bounds
from gongzhi.core.duties import refuse_own_work
from gongzhi.core.errors import Conflict, NotFound, ValidationFailed
from gongzhi.core.permissions import require
from gongzhi.core.workflow import check_move
from gongzhi.socialorgs import ranking
from gongzhi.socialorgs.enums import DEFAULT_CRITERIA, ContestStatus
from gongzhi.socialorgs.models import Contest, ContestEntry, ContestJudge, FundedProject, ScoreSheet
from gongzhi.socialorgs.services._validation import _raise_errors, _text
from gongzhi.socialorgs.services._validation import _year as check_year
from gongzhi.socialorgs.transitions import CONTEST

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def _subdistrict(code: str) -> Any:
    from gongzhi.places.models import Subdistrict

    sub = Subdistrict.objects.filter(code=(code or "").strip()[:12]).first() if code else None
    if sub is None:
        raise ValidationFailed("请选择街道", fields={"subdistrict_code": "请选择街道"})
    return sub


def _criteria(criteria: Any) -> list[dict[str, Any]]:
    try:
        return ranking.check_criteria(criteria)
    except ranking.SheetError as exc:
        raise ValidationFailed(exc.message, fields={exc.field: exc.message}) from None


@transaction.atomic
def contest_open(
    *,
    actor: Actor,
    subdistrict_code: str,
    year: int,
    title: str,
    winners: int = 10,
    criteria: list[dict[str, Any]] | None = None,
) -> Contest:
    sub = _subdistrict(subdistrict_code)
    require(
        actor,
        "socialorgs.manage_contest",
        sub,
        error=ValidationFailed(
            "只有街道可以举办项目大赛", fields={"subdistrict_code": "只有街道可以举办项目大赛"}
        ),
    )
    errors: dict[str, str] = {}
    y = check_year(errors, year)
    title = _text(errors, "title", title, "大赛名称", 100, True)
    if not isinstance(winners, int) or isinstance(winners, bool) or not 1 <= winners <= 200:
        errors["winners"] = "获奖名额应为1到200之间的整数"
    _raise_errors(errors)
    clean = _criteria(criteria if criteria is not None else DEFAULT_CRITERIA)
    if Contest.objects.filter(subdistrict_code=sub.code, year=y).exists():
        raise Conflict(f"{sub.name}{y}年度的项目大赛已举办", code="duplicate")
    contest = Contest(
        year=y,
        title=title,
        criteria=clean,
        winners=winners,
        district_code=sub.district_code,
        subdistrict_code=sub.code,
        community_code="",
        grid_code="",
    )
    contest.save()
    audit_record(
        actor=actor, target=contest, event="socialorgs.contest_opened", data={"year": y, "title": title}
    )
    return contest


def _contest_locked(actor: Actor, contest_id: Any, perm: str | None = "socialorgs.manage_contest") -> Contest:
    from gongzhi.socialorgs.selectors import contest_visible_q

    contest = (
        Contest.objects.select_for_update(of=("self",))
        .filter(contest_visible_q(actor), pk=contest_id)
        .first()
        if isinstance(contest_id, int) and bounds.int_in_range(contest_id)
        else None
    )
    if contest is None:
        raise NotFound("项目大赛不存在或无权查看")
    if perm:
        require(actor, perm, contest)
    return contest


@transaction.atomic
def contest_judge_add(
    *, actor: Actor, contest_id: int, username: str, name: str = "", organization_id: int | None = None
) -> ContestJudge:
    """A judge: an account (by its user name), and the organisation they belong to, if any."""
    from gongzhi.accounts.models import User
    from gongzhi.volunteers.models import SocialOrganization

    contest = _contest_locked(actor, contest_id)
    check_move(CONTEST, "judge", contest.status)
    errors: dict[str, str] = {}
    username = (username or "").strip()[:150]
    user = User.objects.filter(username=username, is_active=True).first() if username else None
    if user is None:
        errors["username"] = "评委账号不存在或已停用"
    name = _text(errors, "name", name or (user.display_name if user else ""), "评委姓名", 50, True)
    org = None
    if organization_id:
        org = (
            SocialOrganization.objects.filter(pk=organization_id).first()
            if bounds.int_in_range(organization_id)
            else None
        )
        if org is None:
            errors["organization_id"] = "社会组织不存在"
    _raise_errors(errors)
    if ContestJudge.objects.filter(contest=contest, user=user).exists():
        raise Conflict("该账号已是本次大赛的评委", code="duplicate")
    assert user is not None
    judge = ContestJudge.objects.create(contest=contest, user=user, name=name, organization=org)
    audit_record(
        actor=actor,
        target=contest,
        event="socialorgs.judge_added",
        data={"user": user.pk, "organization": org.pk if org else None},
    )
    return judge


@transaction.atomic
def contest_entry_add(
    *, actor: Actor, contest_id: int, organization_id: int, title: str, funded_project_id: int | None = None
) -> ContestEntry:
    from gongzhi.socialorgs.selectors import socialorg_place_q
    from gongzhi.volunteers.models import SocialOrganization

    contest = _contest_locked(actor, contest_id, None)  # the organisation's staff enter it (below)
    check_move(CONTEST, "enter", contest.status)
    org = (
        SocialOrganization.objects.filter(
            socialorg_place_q(actor), pk=organization_id, subdistrict_code=contest.subdistrict_code
        ).first()
        if isinstance(organization_id, int) and bounds.int_in_range(organization_id)
        else None
    )
    if org is None:
        raise ValidationFailed(
            "请选择本街道、本人负责的社会组织", fields={"organization_id": "社会组织不存在或不在本街道"}
        )
    require(
        actor,
        "socialorgs.enter_contest",
        org,
        error=ValidationFailed(
            "只能为本人负责社区的组织报名", fields={"organization_id": "只能为本人负责社区的组织报名"}
        ),
    )
    errors: dict[str, str] = {}
    title = _text(errors, "title", title, "参赛项目名称", 100, True)
    project = None
    if funded_project_id:
        project = FundedProject.objects.filter(pk=funded_project_id, organization=org).first()
        if project is None:
            errors["funded_project_id"] = "该公益创投项目不属于此组织"
    _raise_errors(errors)
    if ContestEntry.objects.filter(contest=contest, title=title).exists():
        raise Conflict("本次大赛已有同名参赛项目", code="duplicate")
    entry = ContestEntry(contest=contest, organization=org, funded_project=project, title=title)
    entry.set_place_codes(community_code=org.community_code)
    entry.save()
    audit_record(
        actor=actor,
        target=entry,
        event="socialorgs.contest_entered",
        data={"title": title, "organization": org.pk},
    )
    return entry


@transaction.atomic
def contest_scoring_start(*, actor: Actor, contest_id: int) -> Contest:
    contest = _contest_locked(actor, contest_id)
    new = check_move(CONTEST, "start_scoring", contest.status)
    if not contest.entries.exists() or not contest.judges.exists():
        raise Conflict("请先添加参赛项目和评委，再开始评审", code="not_ready")
    contest.status = new
    contest.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        target=contest,
        event="socialorgs.contest_scoring",
        data={"entries": contest.entries.count()},
    )
    return contest


@transaction.atomic
def contest_entry_score(*, actor: Actor, entry_id: int, scores: dict[str, Any]) -> ScoreSheet:
    """A judge's scoring sheet of one entry: points per criterion. Never an entry of the judge's own
    organisation (``refuse_own_work``: the entry's organisation's judges are its people)."""
    entry = (
        ContestEntry.objects.filter(pk=entry_id).select_related("contest").first()
        if isinstance(entry_id, int) and bounds.int_in_range(entry_id)
        else None
    )
    if entry is None:
        raise NotFound("参赛项目不存在或无权查看")
    contest = _contest_locked(actor, entry.contest_id, "socialorgs.score_entry")
    check_move(CONTEST, "score", contest.status)
    own_people = ContestJudge.objects.filter(
        contest=contest, organization_id=entry.organization_id
    ).values_list("user_id", flat=True)
    refuse_own_work(actor, list(own_people), what="为本人所在组织的参赛项目评分")
    judge = ContestJudge.objects.get(contest=contest, user_id=actor.pk)
    if not isinstance(scores, dict):
        raise ValidationFailed("评分表格式不正确", fields={"scores": "评分表格式不正确"})
    try:
        clean, total = ranking.sheet_total(contest.criteria, scores)
    except ranking.SheetError as exc:
        raise ValidationFailed(exc.message, fields={exc.field: exc.message}) from None
    if ScoreSheet.objects.filter(entry=entry, judge=judge).exists():
        raise Conflict("您已为该项目评分", code="duplicate")
    sheet = ScoreSheet.objects.create(entry=entry, judge=judge, scores=clean, total=total)
    audit_record(actor=actor, target=entry, event="socialorgs.entry_scored", data={"total": str(total)})
    return sheet


def _apply_ranking(contest: Contest, entries: list[ContestEntry], totals: dict[int, list[Decimal]]) -> None:
    by_pk = {e.pk: e for e in entries}
    for r in ranking.rank(totals, contest.winners):
        e = by_pk[r.key]
        e.average, e.rank, e.winner = r.average, r.rank, r.winner
    ContestEntry.objects.bulk_update(entries, ["average", "rank", "winner"])


@transaction.atomic
def contest_finish(*, actor: Actor, contest_id: int) -> Contest:
    """揭晓: every entry scored by at least one judge; the ranking and the winners are written."""
    contest = _contest_locked(actor, contest_id)
    new = check_move(CONTEST, "finish", contest.status)
    entries = list(contest.entries.all())
    totals: dict[int, list[Decimal]] = {e.pk: [] for e in entries}
    for entry_id, total in ScoreSheet.objects.filter(entry__contest=contest).values_list("entry_id", "total"):
        totals[entry_id].append(total)
    missing = [e.title for e in entries if not totals[e.pk]]
    if missing:
        raise Conflict(f"尚有{len(missing)}个参赛项目未评分：{'、'.join(missing[:3])}", code="unscored")
    _apply_ranking(contest, entries, totals)
    contest.status, contest.finished_at = new, timezone.now()
    contest.save(update_fields=["status", "finished_at", "updated_at"])
    audit_record(
        actor=actor,
        target=contest,
        event="socialorgs.contest_finished",
        data={"entries": len(entries), "winners": sum(e.winner for e in entries)},
    )
    return contest


@transaction.atomic
def contest_entry_brand(*, actor: Actor, entry_id: int, brand: bool = True) -> ContestEntry:
    """品牌项目: a winner named a brand project (to be promoted across the district)."""
    entry = ContestEntry.objects.filter(pk=entry_id).first() if bounds.int_in_range(entry_id) else None
    if entry is None:
        raise NotFound("参赛项目不存在或无权查看")
    contest = _contest_locked(actor, entry.contest_id)
    check_move(CONTEST, "brand", contest.status)
    if brand and not entry.winner:
        raise Conflict("只有获奖项目可以评为品牌项目", code="not_winner")
    entry.brand = bool(brand)
    entry.save(update_fields=["brand", "updated_at"])
    audit_record(actor=actor, target=entry, event="socialorgs.entry_branded", data={"brand": entry.brand})
    return entry


# --- the demo's batch path ------------------------------------------------------------------------


@dataclass
class PastEntry:
    organization: Any
    title: str
    sheets: list[dict[str, Any]]  # one per judge, in the judges' order


@dataclass
class PastContest:
    subdistrict: Any
    year: int
    title: str
    winners: int
    judges: list[tuple[Any, str]]  # (user, name)
    entries: list[PastEntry]
    brands: int = 0


@transaction.atomic
def contests_bulk_record(*, actor: Actor | None, rows: list[PastContest]) -> list[Contest]:
    """Past contests as they ended (the demo's history): the same sheet checks and the same ranking."""
    out = []
    for r in rows:
        criteria = _criteria(DEFAULT_CRITERIA)
        contest = Contest.objects.create(
            year=r.year,
            title=r.title,
            criteria=criteria,
            winners=r.winners,
            status=ContestStatus.FINISHED,
            finished_at=timezone.now(),
            district_code=r.subdistrict.district_code,
            subdistrict_code=r.subdistrict.code,
            community_code="",
            grid_code="",
        )
        judges = ContestJudge.objects.bulk_create(
            [ContestJudge(contest=contest, user=u, name=n) for u, n in r.judges]
        )
        entries = []
        for e in r.entries:
            entry = ContestEntry(contest=contest, organization=e.organization, title=e.title)
            entry.set_place_codes(community_code=e.organization.community_code)
            entries.append(entry)
        ContestEntry.objects.bulk_create(entries)
        sheets: list[ScoreSheet] = []
        totals: dict[int, list[Decimal]] = {}
        for entry, e in zip(entries, r.entries, strict=True):
            totals[entry.pk] = []
            for judge, raw in zip(judges, e.sheets, strict=False):
                try:
                    clean, total = ranking.sheet_total(criteria, raw)
                except ranking.SheetError as exc:
                    raise ValidationFailed(exc.message, fields={exc.field: exc.message}) from None
                sheets.append(ScoreSheet(entry=entry, judge=judge, scores=clean, total=total))
                totals[entry.pk].append(total)
        ScoreSheet.objects.bulk_create(sheets, batch_size=1000)
        _apply_ranking(contest, entries, totals)
        winners = sorted((e for e in entries if e.winner), key=lambda e: e.rank or 0)
        brand_ids = [e.pk for e in winners[: r.brands]]
        ContestEntry.objects.filter(pk__in=brand_ids).update(brand=True)
        out.append(contest)
    if out:
        audit_record(
            actor=actor, target=out[0], event="socialorgs.contests_imported", data={"count": len(out)}
        )
    return out
