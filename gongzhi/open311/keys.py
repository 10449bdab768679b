"""API keys: issued per connected system by the district admin, revocable, only their hash stored;
every request made with one is counted (rate limit) and audited.

Services write (``apikey_issue``, ``apikey_revoke``, ``apikey_request_record``), selectors read
(``apikey_list_for_actor``, ``apikey_authenticate``), as everywhere in Gongzhi.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from gongzhi.audit.services import audit_record
from gongzhi.core import codes
from gongzhi.core.errors import Forbidden, NotFound, field_error
from gongzhi.core.ratelimit import RateLimited
from gongzhi.core.roles import Role
from gongzhi.core.scope import scope_of
from gongzhi.open311.models import ApiKey, ApiKeyMinute
from gongzhi.places.models import Community, District, Grid, Subdistrict

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

KEY_PREFIX = "gz311_"
RATE_LIMIT_MAX = 100_000


def hash_key(raw: str) -> str:
    # The key is 256 random bits, so a plain digest is enough (no salt or slow hash needed).
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def can_manage_keys(actor: Actor | Any) -> bool:
    if not getattr(actor, "is_authenticated", False):
        return False
    scope = scope_of(actor)
    return scope.superuser or scope.has_role(Role.DISTRICT_ADMIN)


def _admin_districts(actor: Actor) -> set[str] | None:
    """The districts whose keys the actor manages; None = all (superuser)."""
    scope = scope_of(actor)
    if scope.superuser:
        return None
    return {code[:6] for role, _lvl, code in scope.places if role == Role.DISTRICT_ADMIN}


def _require_admin(actor: Actor | None) -> None:
    if actor is not None and not can_manage_keys(actor):
        raise Forbidden("只有区级管理员可以管理Open311接入密钥")


def place_label(code: str) -> str | None:
    """The place's name for a district, subdistrict, community or grid code; None when there is none."""
    code = (code or "").strip()
    if not code.isdigit():
        return None
    if len(code) == 6:
        return District.objects.filter(code=code).values_list("name", flat=True).first()
    if len(code) == 15:
        return Grid.objects.filter(code=code).values_list("name", flat=True).first()
    if len(code) == 12:
        if code.endswith("000"):
            return Subdistrict.objects.filter(code=code).values_list("name", flat=True).first()
        return Community.objects.filter(code=code).values_list("name", flat=True).first()
    return None


def place_choices_for_actor(*, actor: Actor) -> list[tuple[str, str]]:
    """The district(s), subdistricts and communities a key may be scoped to (grids by code)."""
    districts = _admin_districts(actor)
    out: list[tuple[str, str]] = []
    dq = District.objects.all() if districts is None else District.objects.filter(code__in=sorted(districts))
    for d in dq.order_by("code"):
        out.append((d.code, f"{d.name}（全区）"))
        for s in Subdistrict.objects.filter(code__startswith=d.code).order_by("code"):
            out.append((s.code, f"{d.name} · {s.name}"))
            for c in (
                Community.objects.filter(code__startswith=s.code[:9]).exclude(code=s.code).order_by("code")
            ):
                out.append((c.code, f"{d.name} · {s.name} · {c.name}"))
    return out


def _place_codes(code: str) -> dict[str, str]:
    if len(code) == 6:
        return {"district_code": code, "subdistrict_code": "", "community_code": "", "grid_code": ""}
    if len(code) == 15:
        community = codes.community_of_grid(code)
        return {
            "district_code": code[:6],
            "subdistrict_code": codes.subdistrict_of(community),
            "community_code": community,
            "grid_code": code,
        }
    if code.endswith("000"):
        return {"district_code": code[:6], "subdistrict_code": code, "community_code": "", "grid_code": ""}
    return {
        "district_code": code[:6],
        "subdistrict_code": codes.subdistrict_of(code),
        "community_code": code,
        "grid_code": "",
    }


@dataclass(frozen=True)
class IssuedKey:
    key: ApiKey
    raw: str  # shown once, never stored


@transaction.atomic
def apikey_issue(
    *, actor: Actor | None, name: str, place_code: str, rate_limit: int | str | None = None, note: str = ""
) -> IssuedKey:
    _require_admin(actor)
    name = (name or "").strip()
    if not name:
        raise field_error("name", "请填写接入系统名称", code="required")
    if len(name) > 100:
        raise field_error("name", "接入系统名称不能超过100个字")
    place_code = (place_code or "").strip()
    label = place_label(place_code)
    if label is None:
        raise field_error("place_code", "请选择授权范围：区县、街道、社区或网格")
    if actor is not None:
        districts = _admin_districts(actor)
        if districts is not None and place_code[:6] not in districts:
            raise field_error("place_code", "授权范围只能是本人管理的区县内的区划")
    limit: int | None = None
    if rate_limit not in (None, ""):
        try:
            limit = int(str(rate_limit).strip())
        except ValueError:
            raise field_error("rate_limit", "每分钟请求上限应为整数") from None
        if not 1 <= limit <= RATE_LIMIT_MAX:
            raise field_error("rate_limit", f"每分钟请求上限应在1到{RATE_LIMIT_MAX}之间")
    note = (note or "").strip()
    if len(note) > 200:
        raise field_error("note", "备注不能超过200个字")
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(
        name=name,
        place_code=place_code,
        place_label=label[:100],
        key_prefix=raw[: len(KEY_PREFIX) + 6],
        key_hash=hash_key(raw),
        rate_limit=limit,
        note=note,
        created_by_id=actor.pk if actor is not None else None,
        **_place_codes(place_code),
    )
    key.save(force_insert=True)
    audit_record(
        actor=actor,
        target=key,
        event="open311.key_issued",
        data={"name": name, "place_code": place_code, "rate_limit": limit, "prefix": key.key_prefix},
    )
    return IssuedKey(key=key, raw=raw)


def _visible(actor: Actor) -> QuerySet[ApiKey]:
    districts = _admin_districts(actor)
    qs = ApiKey.objects.all()
    return qs if districts is None else qs.filter(district_code__in=sorted(districts))


@transaction.atomic
def apikey_revoke(*, actor: Actor | None, key_id: int, now: datetime | None = None) -> ApiKey:
    _require_admin(actor)
    qs = ApiKey.objects.select_for_update(of=("self",))
    if actor is not None:
        qs = qs.filter(pk__in=_visible(actor).values("pk"))
    key = qs.filter(pk=key_id).first()
    if key is None:
        raise NotFound("密钥不存在或无权管理")
    if key.revoked_at is not None:
        return key
    key.revoked_at = now or timezone.now()
    key.revoked_by_id = actor.pk if actor is not None else None
    key.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    audit_record(actor=actor, target=key, event="open311.key_revoked", data={"name": key.name})
    return key


def apikey_list_for_actor(*, actor: Actor) -> list[ApiKey]:
    if not can_manage_keys(actor):
        return []
    return list(_visible(actor).select_related("created_by", "revoked_by").order_by("revoked_at", "-id"))


def apikey_find(raw: str) -> ApiKey:
    """The key for ``raw``, revoked or not; a missing or unknown key is a 403 (Open311: invalid api_key)."""
    raw = (raw or "").strip()
    if not raw:
        raise Forbidden("缺少api_key：提交请求需要接入密钥", code="api_key_missing")
    key = ApiKey.objects.filter(key_hash=hash_key(raw)).first() if len(raw) <= 200 else None
    if key is None:
        raise Forbidden("api_key无效", code="api_key_invalid")
    return key


def require_active(key: ApiKey) -> ApiKey:
    if key.revoked_at is not None:
        raise Forbidden("api_key已停用", code="api_key_revoked")
    return key


def apikey_authenticate(raw: str) -> ApiKey:
    """The active key for ``raw``, else a 403."""
    return require_active(apikey_find(raw))


@transaction.atomic
def apikey_count_request(*, key: ApiKey, now: datetime | None = None) -> int:
    """One more request this minute (a database counter, shared by every web worker); a 429 past the
    key's rate limit. Also moves ``last_used_at``."""
    at = now or timezone.now()
    minute = at.replace(second=0, microsecond=0)
    counter = ApiKeyMinute.objects.filter(key=key, minute=minute)
    if not counter.update(count=F("count") + 1):
        try:
            with transaction.atomic():
                ApiKeyMinute.objects.create(key=key, minute=minute, count=1)
        except IntegrityError:
            counter.update(count=F("count") + 1)
        ApiKeyMinute.objects.filter(key=key, minute__lt=minute - timedelta(hours=1)).delete()
    count = counter.values_list("count", flat=True).first() or 1
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=at)
    if key.rate_limit and count > key.rate_limit:
        wait = max(1, 60 - at.second)
        raise RateLimited(wait, f"请求过于频繁：该密钥每分钟最多{key.rate_limit}次请求，请 {wait} 秒后再试")
    return count


@transaction.atomic
def apikey_request_record(
    *, key: ApiKey, method: str, endpoint: str, status: int, data: dict[str, Any] | None = None
) -> None:
    """The audit row of one request made with ``key`` (written whatever the answer was)."""
    audit_record(
        actor=None,
        target=key,
        event="open311.request",
        data={"method": method, "endpoint": endpoint[:200], "status": status, **(data or {})},
    )
