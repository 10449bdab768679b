"""Downloads of documents with personal data, written down: one audit row per download (who, which
document, whose, how many rows). A download is a read; the row is its only write."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from gongzhi.audit.services import audit_record

if TYPE_CHECKING:
    from django.db import models

    from gongzhi.core.types import Actor
    from gongzhi.party.models import AssessmentScheme, FeedbackLetter, MemberRegistration


@transaction.atomic
def registration_card_downloaded(*, actor: Actor, registration: MemberRegistration) -> None:
    """在职党员报到证 (PDF): the member's name, workplace and skills."""
    audit_record(
        actor=actor,
        target=registration,
        event="party.registration_card_downloaded",
        data={"document": "在职党员报到证", "member_id": registration.member_id, "rows": 1},
    )


@transaction.atomic
def feedback_letter_downloaded(*, actor: Actor, letter: FeedbackLetter) -> None:
    """反馈函 (PDF): one member's service record for a period. The row is the member's (the letter has no
    place of its own; the member's place lets the community read the row), the letter named in it."""
    audit_record(
        actor=actor,
        target=letter.member,
        event="party.feedback_letter_downloaded",
        data={
            "document": "反馈函",
            "letter_id": letter.pk,
            "period": letter.period,
            "rows": len((letter.summary or {}).get("records", [])),
        },
    )


@transaction.atomic
def feedback_letters_exported(
    *, actor: Actor, target: models.Model, filters: dict[str, Any], count: int
) -> None:
    """反馈函汇总 (xlsx): one row per letter of the actor's list. ``target``: the unit filtered on, else
    the smallest place holding the actor's places, else the actor."""
    audit_record(
        actor=actor,
        target=target,
        event="party.feedback_letters_exported",
        data={
            "document": "反馈函汇总",
            "filters": {k: v for k, v in filters.items() if v},
            "rows": count,
        },
    )


@transaction.atomic
def ranking_exported(*, actor: Actor, scheme: AssessmentScheme, count: int) -> None:
    """驻区单位考核排名 (xlsx): the district's units, their scores and indicators."""
    audit_record(
        actor=actor,
        target=scheme.district,
        event="party.ranking_exported",
        data={"document": "驻区单位考核排名", "year": scheme.year, "scheme_id": scheme.pk, "rows": count},
    )


@transaction.atomic
def member_import_report_downloaded(*, actor: Actor, record: Any) -> None:
    """党员导入错误报告 (xlsx): the bad rows as the file had them (names; ID numbers masked)."""
    audit_record(
        actor=actor,
        target=record,
        event="party.member_import_report_downloaded",
        data={"document": "党员导入错误报告", "file": record.file_name, "rows": len(record.errors or [])},
    )
