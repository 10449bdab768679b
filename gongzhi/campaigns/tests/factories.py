"""Campaigns made through the services, for the tests."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gongzhi.campaigns.models import Campaign
from gongzhi.campaigns.services.campaigns import CampaignInput, campaign_create
from gongzhi.testing import SmallDistrict

# A point inside each grid of the small district (0.01° squares from 117.10 / 117.11 / 117.13 / 117.15).
POINT = {"g1": (117.105, 36.985), "g2": (117.115, 36.985), "g3": (117.135, 36.985), "g4": (117.155, 36.985)}


def make_campaign(
    d: SmallDistrict,
    *,
    kind: str = "joint",
    community: str = "A1",
    title: str = "创城联合整治行动",
    **extra: object,
) -> Campaign:
    today = timezone.localdate()
    return campaign_create(
        actor=d.user("community_worker") if community == "A1" else d.user("district_admin"),
        data=CampaignInput(
            place_code=d.communities[community].code,
            kind=kind,
            title=title,
            starts_on=today - dt.timedelta(days=3),
            ends_on=today + dt.timedelta(days=30),
            round_kind=str(extra.pop("round_kind", "fire_lane" if kind == "inspection" else "")),
            **extra,  # type: ignore[arg-type]
        ),
    )
