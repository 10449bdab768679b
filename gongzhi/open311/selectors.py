"""Reads of the Open311 keys (the keys an admin manages, the places a key may cover, and the key a
request names, by its hash: only the hash is stored), and what the public feed needs to generalise and
mask a page of tickets (``public_context``)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.translation import gettext

from gongzhi.core.errors import Forbidden
from gongzhi.core.masking import road_of
from gongzhi.core.permissions import allowed
from gongzhi.core.roles import Role
from gongzhi.core.scope import scope_of
from gongzhi.open311.models import ApiKey
from gongzhi.people.selectors import registered_names
from gongzhi.places.models import Community, District, Estate, Grid, Subdistrict
from gongzhi.tickets.enums import CategoryKind
from gongzhi.tickets.models import Ticket

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def hash_key(raw: str) -> str:
    # The key is 256 random bits, so a plain digest is enough (no salt or slow hash needed).
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def apikey_districts_for_actor(actor: Actor) -> set[str] | None:
    """The districts whose keys the actor manages; None = all (superuser)."""
    scope = scope_of(actor)
    if scope.superuser:
        return None
    return {code[:6] for role, _lvl, code in scope.places if role == Role.DISTRICT_ADMIN}


def apikey_queryset_for_actor(actor: Actor) -> QuerySet[ApiKey]:
    """The keys of the districts the actor manages (the caller has checked open311.manage_apikey)."""
    districts = apikey_districts_for_actor(actor)
    qs = ApiKey.objects.all()
    return qs if districts is None else qs.filter(district_code__in=sorted(districts))


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
    districts = apikey_districts_for_actor(actor)
    out: list[tuple[str, str]] = []
    dq = District.objects.all() if districts is None else District.objects.filter(code__in=sorted(districts))
    for d in dq.order_by("code"):
        out.append((d.code, gettext("%(name)s（全区）") % {"name": d.name}))
        for s in Subdistrict.objects.filter(code__startswith=d.code).order_by("code"):
            out.append((s.code, f"{d.name} · {s.name}"))
            for c in (
                Community.objects.filter(code__startswith=s.code[:9]).exclude(code=s.code).order_by("code")
            ):
                out.append((c.code, f"{d.name} · {s.name} · {c.name}"))
    return out


def apikey_list_for_actor(*, actor: Actor) -> list[ApiKey]:
    if not allowed(actor, "open311.manage_apikey"):
        return []
    return list(
        apikey_queryset_for_actor(actor)
        .select_related("created_by", "revoked_by")
        .order_by("revoked_at", "-id")
    )


def apikey_find(raw: str) -> ApiKey:
    """The key for ``raw``, revoked or not; a missing or unknown key is a 403 (Open311: invalid api_key)."""
    raw = (raw or "").strip()
    if not raw:
        raise Forbidden(gettext("缺少api_key：提交请求需要接入密钥"), code="api_key_missing")
    key = ApiKey.objects.filter(key_hash=hash_key(raw)).first() if len(raw) <= 200 else None
    if key is None:
        raise Forbidden(gettext("api_key无效"), code="api_key_invalid")
    return key


def require_active(key: ApiKey) -> ApiKey:
    if key.revoked_at is not None:
        raise Forbidden(gettext("api_key已停用"), code="api_key_revoked")
    return key


def apikey_authenticate(raw: str) -> ApiKey:
    """The active key for ``raw``, else a 403."""
    return require_active(apikey_find(raw))


# --- the public feed ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicContext:
    """What one page of the public feed needs besides its tickets: community names, each community's
    estates (the most precise address the public reads) and, per ticket, the names to mask."""

    communities: dict[str, str] = field(default_factory=dict)
    estates: dict[str, list[str]] = field(default_factory=dict)  # longest first
    names: dict[int, frozenset[str]] = field(default_factory=dict)

    def community_name(self, code: str) -> str:
        return self.communities.get(code, "")

    def estate_in(self, community_code: str, address: str) -> str:
        return next((e for e in self.estates.get(community_code, []) if e in (address or "")), "")

    @staticmethod
    def road_in(address: str) -> str:
        return road_of(address)

    def names_for(self, ticket: Ticket) -> frozenset[str]:
        return self.names.get(ticket.pk, frozenset())


def _publishes_text(ticket: Ticket) -> bool:
    return ticket.category is not None and ticket.category.kind != CategoryKind.COMMUNITY


def public_context(tickets: Iterable[Ticket]) -> PublicContext:
    """At most three queries whatever the page's size: communities, their estates, the registered names
    (the persons of the ticket's household, of the household at its address, and the reporter's)."""
    tickets = list(tickets)
    codes = sorted({t.community_code for t in tickets if t.community_code})
    if not codes:
        return PublicContext()
    communities = dict(Community.objects.filter(code__in=codes).values_list("code", "name"))
    estates: dict[str, list[str]] = {}
    for code, name in Estate.objects.filter(community_code__in=codes).values_list("community_code", "name"):
        estates.setdefault(code, []).append(name)
    for listed in estates.values():
        listed.sort(key=len, reverse=True)
    texts = [t for t in tickets if _publishes_text(t)]
    rows = registered_names(
        household_ids=[t.household_id for t in texts if t.household_id],
        addresses=[(t.community_code, t.address) for t in texts if t.address],
        user_ids=[t.reporter_id for t in texts if t.reporter_id],
    )
    names: dict[int, frozenset[str]] = {}
    for t in texts:
        address = (t.address or "").strip()
        found = {
            r.name
            for r in rows
            if (t.household_id and r.household_id == t.household_id)
            or (address and (r.community_code, r.address) == (t.community_code, address))
            or (t.reporter_id and r.user_id == t.reporter_id)
        }
        if t.reporter_name:
            found.add(t.reporter_name)
        names[t.pk] = frozenset(found)
    return PublicContext(communities=communities, estates=estates, names=names)
