from __future__ import annotations

import hashlib
import hmac as std_hmac
import math
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext

from gongzhi.accounts.models import OneTimeCode, RoleAssignment, User
from gongzhi.audit.services import audit_record, audit_record_about
from gongzhi.core import ids, ratelimit
from gongzhi.core.duties import refuse_own_work
from gongzhi.core.errors import ApplicationError, Forbidden, field_error
from gongzhi.core.locks import lock_name
from gongzhi.core.permissions import require
from gongzhi.core.ratelimit import RateLimited
from gongzhi.core.roles import ROLE_LEVEL, Role, ScopeLevel
from gongzhi.core.scope import forget_scope
from gongzhi.places.models import Community, Department, District, Grid, Household, Subdistrict

_LEVEL_MODEL: dict[ScopeLevel, type[District] | type[Subdistrict] | type[Community] | type[Grid]] = {
    ScopeLevel.DISTRICT: District,
    ScopeLevel.SUBDISTRICT: Subdistrict,
    ScopeLevel.COMMUNITY: Community,
    ScopeLevel.GRID: Grid,
}


def require_account_admin(actor: User | None) -> None:
    """Accounts are created by the system (actor None: seed, commands) or a district admin
    (``accounts.manage_user``)."""
    require(actor, "accounts.manage_user", error=Forbidden(gettext("只有区级管理员可以管理账号")))


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str | None,
    display_name: str = "",
    phone: str = "",
    is_staff: bool = False,
    validate_password: bool = True,
    note: dict | None = None,
) -> User:
    require_account_admin(actor)
    username = (username or "").strip()
    if not username:
        raise field_error("username", gettext("请填写用户名"), code="required")
    if User.objects.filter(username=username).exists():
        raise ApplicationError(
            gettext("用户名“%(username)s”已存在") % {"username": username},
            code="duplicate",
            fields={"username": gettext("用户名已存在")},
        )
    user = User(username=username, display_name=display_name, is_staff=is_staff)
    if phone:
        protected = ids.Protected.of_phone(ids.normalise_phone(phone))
        user.phone_encrypted, user.phone_hash, user.phone_masked = (
            protected.encrypted,
            protected.hash,
            protected.masked,
        )
    if password:
        if validate_password:
            try:
                password_validation.validate_password(password, user)
            except DjangoValidationError as exc:
                raise field_error("password", "；".join(str(m) for m in exc.messages)) from exc
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit_record(
        actor=actor, target=user, event="accounts.user_created", data={"username": username, **(note or {})}
    )
    return user


@transaction.atomic
def role_assign(
    *,
    actor: User | None,
    user: User,
    role: str,
    place_code: str = "",
    department: Department | None = None,
    household: Household | None = None,
) -> RoleAssignment:
    require_account_admin(actor)
    # Nobody grants themself a role, nor widens their own scope (core.duties): another administrator does.
    refuse_own_work(actor, user, what="为本人分配角色")
    if role not in Role.values:
        raise field_error("role", gettext("未知角色“%(role)s”") % {"role": role})
    level = ROLE_LEVEL[role]
    if level == ScopeLevel.DEPARTMENT:
        if department is None:
            raise field_error("department", gettext("部门经办人必须指定部门"), code="required")
        place_code = ""
    elif level == ScopeLevel.HOUSEHOLD:
        if household is None:
            raise field_error("household", gettext("居民角色必须关联住户"), code="required")
        place_code = ""
    else:
        model = _LEVEL_MODEL[ScopeLevel(level)]
        if not model.objects.filter(code=place_code).exists():
            raise field_error(
                "place_code",
                gettext("%(label)s代码“%(place_code)s”不存在")
                % {"label": ScopeLevel(level).label, "place_code": place_code},
            )
    # Two grants at once would both miss the active row (get_or_create) and both create one: the second
    # waits here for the first and then finds it.
    lock_name(f"accounts.role:{user.pk}")
    ra, created = RoleAssignment.objects.get_or_create(
        user=user,
        role=role,
        place_code=place_code,
        department=department,
        household=household,
        active=True,
        defaults={"level": level},
    )
    if created:
        target_codes = {}
        if place_code:
            target_codes = {"scope": place_code}
        audit_record(
            actor=actor,
            target=user,
            event="accounts.role_assigned",
            data={
                "role": role,
                "level": level,
                **target_codes,
                "department": department.pk if department else None,
                "household": household.pk if household else None,
            },
        )
    forget_scope(user)
    return ra


@transaction.atomic
def role_revoke(*, actor: User | None, assignment_id: int) -> None:
    require_account_admin(actor)
    ra = RoleAssignment.objects.select_for_update(of=("self",)).select_related("user").get(pk=assignment_id)
    if not ra.active:
        return
    ra.active = False
    ra.save(update_fields=["active", "updated_at"])
    audit_record(
        actor=actor,
        target=ra.user,
        event="accounts.role_revoked",
        data={"role": ra.role, "scope": ra.place_code},
    )
    forget_scope(ra.user)


# --- resident sign-in with a one-time code ------------------------------------------------------


def _code_hash(phone_hash: str, code: str) -> str:
    return hashlib.sha256(f"{phone_hash}:{code}:{settings.SECRET_KEY}".encode()).hexdigest()


@transaction.atomic
def otp_request(*, phone: str) -> None:
    """Sends a 6-digit code. At most one per minute per phone and ``RATE_LIMITS["otp_phone_day"]`` a day
    (10), whoever asks: nobody can have one number sent an SMS a minute all day. The reply is the same
    whether or not the phone belongs to a registered resident, so the endpoint does not reveal who lives
    here. (The caller limits requests per client IP: ``otp_ip``.)"""
    normalised = ids.normalise_phone(phone)
    if not ids.is_mobile(normalised):
        raise field_error("phone", gettext("请填写11位手机号码"))
    phone_hash = ids.keyed_hash(normalised)
    lock_name(f"accounts.otp:{phone_hash}")  # two requests at once: the second sees the first's code
    now = timezone.now()
    last = (
        OneTimeCode.objects.filter(phone_hash=phone_hash, created_at__gte=now - timedelta(seconds=60))
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if last is not None:
        wait = math.ceil(60 - (now - last).total_seconds())
        raise RateLimited(wait, gettext("验证码发送过于频繁，请一分钟后再试"))
    try:
        ratelimit.hit("otp_phone_day", phone_hash)
    except RateLimited as exc:
        limit = ratelimit.limit_of("otp_phone_day")
        raise RateLimited(
            exc.retry_after,
            f"该手机号今天获取验证码的次数已达上限（{limit.count if limit else 0}次），请明天再试",
        ) from exc
    code = f"{secrets.randbelow(10**6):06d}"
    OneTimeCode.objects.filter(phone_hash=phone_hash, used=False).update(used=True)
    OneTimeCode.objects.create(
        phone_hash=phone_hash,
        code_hash=_code_hash(phone_hash, code),
        expires_at=now + timedelta(seconds=settings.OTP_TTL_SECONDS),
    )
    sender = import_string(settings.SMS_SENDER)
    transaction.on_commit(lambda: sender(normalised, code))


@transaction.atomic
def otp_consume(*, phone_hash: str, code: str) -> bool:
    """Marks the code used on success, counts the attempt on failure; commits either way."""
    otp = (
        OneTimeCode.objects.select_for_update()
        .filter(phone_hash=phone_hash, used=False, expires_at__gt=timezone.now())
        .order_by("-id")
        .first()
    )
    if otp is None:
        return False
    if otp.attempts >= settings.OTP_MAX_ATTEMPTS:
        otp.used = True
        otp.save(update_fields=["used"])
        return False
    if not std_hmac.compare_digest(otp.code_hash, _code_hash(phone_hash, (code or "").strip())):
        otp.attempts += 1
        otp.save(update_fields=["attempts"])
        return False
    otp.used = True
    otp.save(update_fields=["used"])
    return True


# --- sign-ins, every channel, and their failures: one audit row each ----------------------------

# The channel → what the audit page reads.
SIGN_IN_CHANNELS = {
    "console": "工作台账号密码",
    "api": "API账号密码",
    "h5_otp": "居民H5验证码",
    "api_otp": "API验证码",
}
# Why a sign-in failed (the rows' "reason"); rate-limited requests write no row (they are not attempts).
SIGN_IN_FAILURES = {
    "bad_credentials": "用户名或密码错误",
    "locked_out": "账号已临时锁定",
    "bad_code": "验证码错误或已过期",
    "not_registered": "手机号未登记",
}


def mask_username(username: str) -> str:
    """The first two characters and three stars, whatever the length: a password typed into the user name
    field by mistake is not kept, and the row still tells two accounts apart."""
    name = (username or "").strip()
    return name[:2] + "***" if name else ""


def _who(*, username: str = "", phone: str = "") -> dict[str, str]:
    if phone:
        try:
            return {"phone": ids.mask_phone(ids.normalise_phone(phone))}
        except ApplicationError:
            return {"phone": ids.mask_phone(phone.strip()[:20])}
    return {"username": mask_username(username)}


@transaction.atomic
def sign_in_recorded(*, user: User, channel: str, ip: str, username: str = "", phone: str = "") -> None:
    """The audit row of a sign-in that succeeded: the channel, the user name or phone masked, the client IP."""
    audit_record(
        actor=user,
        target=user,
        event="accounts.logged_in",
        data={"channel": channel, "ip": ip, **_who(username=username or user.username, phone=phone)},
    )


@transaction.atomic
def sign_in_failed(*, channel: str, ip: str, reason: str, username: str = "", phone: str = "") -> None:
    """The audit row of a refused sign-in. A user name that names an account puts the row on that account's
    timeline; anything else (a phone, an unknown name) is a row about no object, read by the account
    auditors only. Never the password or the code."""
    data = {"channel": channel, "ip": ip, "reason": reason, **_who(username=username, phone=phone)}
    user = User.objects.filter(username=username.strip()).first() if username.strip() and not phone else None
    audit_record_about(
        actor=None,
        actor_label="未登录访问者",
        event="accounts.login_failed",
        target_type="accounts.phone" if phone else "accounts.user",
        target_id=str(user.pk) if user is not None else "",
        target_label=data.get("phone") or data.get("username") or "",
        data=data,
    )
