"""API keys: issued per connected system by the district admin, revocable, only their hash stored;
every request made with one is counted (rate limit) and audited. The reads are in ``selectors.py``."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.core import codes
from gongzhi.core.errors import Forbidden, NotFound, field_error
from gongzhi.core.permissions import require
from gongzhi.core.ratelimit import RateLimited
from gongzhi.open311.models import ApiKey, ApiKeyMinute
from gongzhi.open311.selectors import (
    apikey_districts_for_actor,
    apikey_queryset_for_actor,
    hash_key,
    place_label,
)

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

KEY_PREFIX = "gz311_"
RATE_LIMIT_MAX = 100_000


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
    require(actor, "open311.manage_apikey", error=Forbidden(gettext("只有区级管理员可以管理Open311接入密钥")))
    name = (name or "").strip()
    if not name:
        raise field_error("name", gettext("请填写接入系统名称"), code="required")
    if len(name) > 100:
        raise field_error("name", gettext("接入系统名称不能超过100个字"))
    place_code = (place_code or "").strip()
    label = place_label(place_code)
    if label is None:
        raise field_error("place_code", gettext("请选择授权范围：区县、街道、社区或网格"))
    if actor is not None:
        districts = apikey_districts_for_actor(actor)
        if districts is not None and place_code[:6] not in districts:
            raise field_error("place_code", gettext("授权范围只能是本人管理的区县内的区划"))
    limit: int | None = None
    if rate_limit not in (None, ""):
        try:
            limit = int(str(rate_limit).strip())
        except ValueError:
            raise field_error("rate_limit", gettext("每分钟请求上限应为整数")) from None
        if not 1 <= limit <= RATE_LIMIT_MAX:
            raise field_error(
                "rate_limit",
                gettext("每分钟请求上限应在1到%(RATE_LIMIT_MAX)s之间") % {"RATE_LIMIT_MAX": RATE_LIMIT_MAX},
            )
    note = (note or "").strip()
    if len(note) > 200:
        raise field_error("note", gettext("备注不能超过200个字"))
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


@transaction.atomic
def apikey_revoke(*, actor: Actor | None, key_id: int, now: datetime | None = None) -> ApiKey:
    require(actor, "open311.manage_apikey", error=Forbidden(gettext("只有区级管理员可以管理Open311接入密钥")))
    qs = ApiKey.objects.select_for_update(of=("self",))
    if actor is not None:
        qs = qs.filter(pk__in=apikey_queryset_for_actor(actor).values("pk"))
    key = qs.filter(pk=key_id).first()
    if key is None:
        raise NotFound(gettext("密钥不存在或无权管理"))
    if key.revoked_at is not None:
        return key
    key.revoked_at = now or timezone.now()
    key.revoked_by_id = actor.pk if actor is not None else None
    key.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    audit_record(actor=actor, target=key, event="open311.key_revoked", data={"name": key.name})
    return key


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
        raise RateLimited(
            wait,
            gettext("请求过于频繁：该密钥每分钟最多%(rate_limit)s次请求，请 %(wait)s 秒后再试")
            % {"rate_limit": key.rate_limit, "wait": wait},
        )
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
