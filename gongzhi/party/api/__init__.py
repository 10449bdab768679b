"""The party API: one router per area (organisations and branches, registration, serving and evaluation)."""

from ninja import Router

from gongzhi.party.api.members import router as members
from gongzhi.party.api.organizations import router as organizations
from gongzhi.party.api.registration import router as registration
from gongzhi.party.api.serving import router as serving

router = Router()
router.add_router("/", organizations)
router.add_router("/", members)
router.add_router("/", registration)
router.add_router("/", serving)
