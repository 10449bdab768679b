"""The need-to-know groups: a district admin grants an account (audited) or revokes the grant; an account
with a grant reveals the groups' roster of its places with a reason (each reveal audited); every register
downloaded with personal data leaves its row."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.care.models import CareGrant, CareMembership
from gongzhi.care.selectors import GRANT_NAV_KEY
from gongzhi.care.services._common import _raise_errors, _text
from gongzhi.core.duties import refuse_own_work
from gongzhi.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from gongzhi.core.permissions import allowed, require
from gongzhi.core.roles import POPULATION_ROLES
from gongzhi.core.scope import scope_of

if TYPE_CHECKING:
    from django.db.models import Model

    from gongzhi.core.types import Actor


def _menu_changed(user_id: int) -> None:
    """The menu's cached answer (``selectors.has_grant_for_nav``) is dropped once the change is committed."""
    key = GRANT_NAV_KEY.format(user_id)
    transaction.on_commit(lambda: cache.delete(key))


@transaction.atomic
def care_grant(*, actor: Actor | None, user_id: int, district_code: str, reason: str) -> CareGrant:
    from gongzhi.accounts.models import User
    from gongzhi.places.models import District

    district = District.objects.filter(code=district_code).first()
    if district is None:
        raise ValidationFailed(gettext("区县不存在"), fields={"district_code": gettext("区县不存在")})
    require(actor, "care.grant_sensitive", error=Forbidden(gettext("只有区级管理员可以授权查看需知悉人群")))
    if (
        actor is not None
        and not scope_of(actor).superuser
        and district.code not in scope_of(actor).district_codes
    ):
        raise Forbidden(gettext("只能授权本区的账号"))
    user = User.objects.select_for_update().filter(pk=user_id, is_active=True).first()
    if user is None:
        raise ValidationFailed(
            gettext("账号不存在或已停用"), fields={"user_id": gettext("账号不存在或已停用")}
        )
    refuse_own_work(actor, user, what=gettext("给本人授权查看需知悉人群，应由另一位区级管理员办理"))
    if not scope_of(user).roles & POPULATION_ROLES:
        raise ValidationFailed(
            gettext("只有管辖实有人口的工作人员可以被授权"),
            fields={"user_id": gettext("该账号不管辖实有人口")},
        )
    errors: dict[str, str] = {}
    why = _text(errors, "reason", reason, gettext("授权理由"), 200, True)
    _raise_errors(errors)
    if CareGrant.objects.filter(user=user, district_code=district.code, revoked_at__isnull=True).exists():
        raise Conflict(gettext("该账号已有本区授权"), code="already_granted")
    grant = CareGrant.objects.create(
        user=user,
        district_code=district.code,
        reason=why,
        granted_by_id=actor.pk if actor is not None and actor.is_authenticated else None,
    )
    audit_record(
        actor=actor, target=user, event="care.grant_given", data={"district": district.code, "reason": why}
    )
    _menu_changed(user.pk)
    return grant


@transaction.atomic
def care_grant_revoke(*, actor: Actor | None, grant_id: int) -> CareGrant:
    require(actor, "care.grant_sensitive", error=Forbidden(gettext("只有区级管理员可以撤销授权")))
    grant = CareGrant.objects.select_for_update().filter(pk=grant_id, revoked_at__isnull=True).first()
    if grant is None or (
        actor is not None
        and not scope_of(actor).superuser
        and grant.district_code not in scope_of(actor).district_codes
    ):
        raise NotFound()
    grant.revoked_at = timezone.now()
    grant.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor, target=grant.user, event="care.grant_revoked", data={"district": grant.district_code}
    )
    _menu_changed(grant.user_id)
    return grant


@transaction.atomic
def sensitive_reveal(*, actor: Actor, reason: str, community_code: str = "") -> list[CareMembership]:
    """The need-to-know roster of the actor's places (one community if given): only with a grant, only
    with a reason; the reveal is audited with how many persons it showed."""
    from gongzhi.care.selectors import membership_list_for_actor

    errors: dict[str, str] = {}
    why = _text(errors, "reason", reason, gettext("查看理由"), 200, True)
    _raise_errors(errors)
    rows = [
        r
        for r in membership_list_for_actor(actor=actor, community_code=community_code, only_sensitive=True)
        if allowed(actor, "care.view_sensitive", r)
    ]
    if not rows and not CareGrant.objects.filter(user_id=actor.pk, revoked_at__isnull=True).exists():
        raise Forbidden(gettext("您没有查看需知悉人群的授权，请联系区级管理员"))
    audit_record(
        actor=actor,
        target=actor,
        event="care.sensitive_revealed",
        data={"reason": why, "community": community_code, "persons": sorted({r.person_id for r in rows})},
    )
    return rows


@transaction.atomic
def care_register_downloaded(*, actor: Actor, target: Model, document: str, kind: str, rows: int) -> None:
    """A register with personal data (masked) left the system: who, which, how many rows."""
    audit_record(
        actor=actor,
        target=target,
        event="care.register_downloaded",
        data={"document": document, "kind": kind, "rows": rows},
    )
