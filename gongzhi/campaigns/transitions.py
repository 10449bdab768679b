"""The allowed moves of a campaign: data only, checked by ``gongzhi.core.workflow.check_move``."""

from __future__ import annotations

from gongzhi.campaigns.enums import CampaignStatus
from gongzhi.core.workflow import Workflow

CAMPAIGN = Workflow.from_pairs(
    subject="行动",
    states=CampaignStatus,
    allowed={CampaignStatus.ACTIVE: (CampaignStatus.CLOSED,)},
)
