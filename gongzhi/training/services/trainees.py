"""Writes of the trainee register and the qualifications trainees hold."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.core import bounds
from gongzhi.core.errors import NotFound, ValidationFailed
from gongzhi.core.permissions import require
from gongzhi.training.enums import QualificationKind, TraineeKind
from gongzhi.training.models import Qualification, Trainee
from gongzhi.training.selectors import trainee_get_for_actor
from gongzhi.training.services._validation import _raise, _text

if TYPE_CHECKING:
    from gongzhi.core.types import Actor
    from gongzhi.places.models import Community


def _community(community_id: int) -> Community:
    from gongzhi.places.models import Community

    community = (
        Community.objects.filter(pk=community_id).first() if bounds.int_in_range(community_id or 0) else None
    )
    if community is None:
        raise ValidationFailed(gettext("请选择社区"), fields={"community_id": gettext("请选择社区")})
    return community


def _new_trainee(
    community: Community, name: str, kind: str, user_id: int | None, volunteer_id: int | None
) -> Trainee:
    errors: dict[str, str] = {}
    name = _text(errors, "name", name, gettext("姓名"), 50, True)
    if kind not in TraineeKind.values:
        errors["kind"] = gettext("学员类别应为社区工作者、网格员或志愿者")
    if user_id and Trainee.objects.filter(user_id=user_id).exists():
        errors["user_id"] = gettext("该账号已登记为学员")
    _raise(errors)
    t = Trainee(
        community=community, name=name, kind=kind, user_id=user_id or None, volunteer_id=volunteer_id or None
    )
    t.set_place_codes(community_code=community.code)
    return t


@transaction.atomic
def trainee_register(
    *,
    actor: Actor,
    community_id: int,
    name: str,
    kind: str,
    user_id: int | None = None,
    volunteer_id: int | None = None,
) -> Trainee:
    from gongzhi.accounts.models import User
    from gongzhi.volunteers.models import Volunteer

    community = _community(community_id)
    require(
        actor,
        "training.manage_training",
        community,
        error=ValidationFailed(
            gettext("只能为本人负责的社区登记学员"),
            fields={"community_id": gettext("只能为本人负责的社区登记学员")},
        ),
    )
    if user_id and not User.objects.filter(pk=user_id).exists():
        raise ValidationFailed(gettext("账号不存在"), fields={"user_id": gettext("账号不存在")})
    if volunteer_id and not Volunteer.objects.filter(pk=volunteer_id, community_code=community.code).exists():
        raise ValidationFailed(
            gettext("志愿者不存在或不在本社区"), fields={"volunteer_id": gettext("志愿者不存在或不在本社区")}
        )
    trainee = _new_trainee(community, name, kind, user_id, volunteer_id)
    trainee.save()
    audit_record(actor=actor, target=trainee, event="training.trainee_registered", data={"kind": kind})
    return trainee


@dataclass
class TraineeRow:
    community: Community
    name: str
    kind: str
    user_id: int | None = None
    volunteer_id: int | None = None


@transaction.atomic
def trainees_bulk_register(*, actor: Actor | None, rows: list[TraineeRow]) -> list[Trainee]:
    """A batch of trainees (the demo district, a roster import): one audit row."""
    out = [_new_trainee(r.community, r.name, r.kind, r.user_id, r.volunteer_id) for r in rows]
    Trainee.objects.bulk_create(out, batch_size=500)
    if out:
        audit_record(
            actor=actor, target=out[0].community, event="training.trainees_imported", data={"count": len(out)}
        )
    return out


@transaction.atomic
def qualification_record(
    *,
    actor: Actor,
    trainee_id: int,
    kind: str,
    number: str,
    issued_on: dt.date | None,
    expires_on: dt.date | None = None,
    level: str = "",
) -> Qualification:
    try:
        trainee = trainee_get_for_actor(actor=actor, trainee_id=trainee_id)
    except NotFound:
        raise NotFound(gettext("学员不存在或无权查看")) from None
    require(actor, "training.manage_training", trainee)
    errors: dict[str, str] = {}
    number = _text(errors, "number", number, gettext("证书编号"), 50, True)
    level = _text(errors, "level", level, gettext("等级"), 50, False)
    if kind not in QualificationKind.values:
        errors["kind"] = gettext("资格应为持证社工、和谐使者或网格员证书")
    if issued_on is None or not bounds.date_in_range(issued_on) or issued_on > timezone.localdate():
        errors["issued_on"] = gettext("请填写取得日期（不晚于今天）")
    elif expires_on is not None and (not bounds.date_in_range(expires_on) or expires_on <= issued_on):
        errors["expires_on"] = gettext("有效期应晚于取得日期")
    if not errors.get("number") and Qualification.objects.filter(kind=kind, number=number).exists():
        errors["number"] = gettext("该证书编号已登记")
    _raise(errors)
    assert issued_on is not None
    q = Qualification(
        trainee=trainee, kind=kind, number=number, level=level, issued_on=issued_on, expires_on=expires_on
    )
    q.set_place_codes(community_code=trainee.community_code)
    q.save()
    audit_record(
        actor=actor,
        target=q,
        event="training.qualification_recorded",
        data={"trainee": trainee.pk, "kind": kind, "number": number},
    )
    return q


@dataclass
class QualificationRow:
    trainee: Trainee
    kind: str
    number: str
    issued_on: dt.date
    expires_on: dt.date | None = None
    level: str = ""


@transaction.atomic
def qualifications_bulk_record(*, actor: Actor | None, rows: list[QualificationRow]) -> list[Qualification]:
    """A roster of certificates held (the demo district, the civil-affairs list): checked as one by one,
    numbers unique within the batch and against the register; one audit row."""
    seen: set[tuple[str, str]] = set()
    out: list[Qualification] = []
    for r in rows:
        key = (r.kind, r.number.strip())
        bad = (
            r.kind not in QualificationKind.values
            or not key[1]
            or key in seen
            or (r.expires_on is not None and r.expires_on <= r.issued_on)
        )
        if bad:
            raise ValidationFailed(
                gettext("第%(value)s条资格证书无效或编号重复") % {"value": len(out) + 1},
                fields={"rows": gettext("资格证书无效或编号重复")},
            )
        seen.add(key)
        q = Qualification(
            trainee=r.trainee,
            kind=r.kind,
            number=key[1],
            level=r.level[:50],
            issued_on=r.issued_on,
            expires_on=r.expires_on,
        )
        q.set_place_codes(community_code=r.trainee.community_code)
        out.append(q)
    numbers = {n for _k, n in seen}
    if (
        Qualification.objects.filter(number__in=sorted(numbers))
        .filter(kind__in=sorted({k for k, _n in seen}))
        .exists()
    ):
        raise ValidationFailed(gettext("资格证书编号已登记"), fields={"rows": gettext("资格证书编号已登记")})
    Qualification.objects.bulk_create(out, batch_size=500)
    if out:
        audit_record(
            actor=actor,
            target=out[0].trainee,
            event="training.qualifications_imported",
            data={"count": len(out)},
        )
    return out
