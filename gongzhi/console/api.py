from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from ninja import Router, Schema

from gongzhi.campaigns.selectors import campaign_counts
from gongzhi.care.selectors import care_counts
from gongzhi.cobuild.selectors import cobuild_counts
from gongzhi.console.selectors import overview_counts
from gongzhi.core.api import ERRORS
from gongzhi.core.replica import replica_reads
from gongzhi.councils.selectors import councils_counts
from gongzhi.devices.selectors import devices_counts
from gongzhi.mediation.selectors import mediation_counts
from gongzhi.party.enums import RegistrationStatus
from gongzhi.party.models import MemberRegistration, Unit
from gongzhi.party.selectors.organizations import branch_coverage, community_member_counts
from gongzhi.points.selectors import points_counts
from gongzhi.property.selectors import property_counts
from gongzhi.resettlement.selectors import resettlement_counts
from gongzhi.routing.selectors import routing_counts
from gongzhi.socialorgs.selectors import socialorg_counts
from gongzhi.stairwells.selectors import stairwell_counts
from gongzhi.tickets.indicators import overview_tickets
from gongzhi.training.selectors import training_counts
from gongzhi.venues.selectors import venue_counts
from gongzhi.volunteers.selectors.figures import volunteer_counts

router = Router(tags=["概览"])


class GridCounts(Schema):
    residential: int
    reserved: int
    dedicated: int


class PartyCounts(Schema):
    branches_independent: int
    branches_joint: int
    grids_in_joint_branches: int
    residential_grids_covered: int
    units_registered: int
    members_registered: int
    members_community_managed: int
    transfers_in: int


class RateOut(Schema):
    value: float | None
    numerator: int
    denominator: int


class TicketCounts(Schema):
    this_year_by_status: dict[str, int]
    this_year_total: int
    on_time_rate: RateOut
    satisfaction_rate: RateOut
    closure_rate: RateOut


class CobuildCounts(Schema):
    volunteer_teams: int
    projects_signed: int
    activities_held: int
    needs_fulfilled: int
    service_hours: float


class RoutingCounts(Schema):
    suggestions: int
    accepted_without_change_share: float | None


class CareCounts(Schema):
    people_in_care_groups: int
    visits_this_month: int
    visits_overdue: int


class MediationCounts(Schema):
    committees: int
    rooms: int
    cases_this_year: int
    agreements: int
    success_rate: RateOut
    warnings_open: int


class VenueCounts(Schema):
    venues: int
    bookings_this_month: int
    households_within_15_minutes_share: float | None


class TrainingCounts(Schema):
    sessions_this_year: int
    trainees: int
    licensed_social_workers: int


class PointsCounts(Schema):
    rules: int
    households_with_points: int
    points_awarded_this_year: int
    points_redeemed_this_year: int
    shop_items: int


class DeviceCounts(Schema):
    devices: int
    offline: int
    events_this_month: int
    tickets_from_devices: int


class SocialOrganizationCounts(Schema):
    organizations: int
    incubated: int
    funded_projects: int
    funds_yuan: float
    licensed_social_workers: int


class StairwellCounts(Schema):
    stairwells: int
    named: int


class CampaignCounts(Schema):
    campaigns_this_year: int
    findings: int
    findings_to_tickets: int


class ResettlementCounts(Schema):
    projects: int
    flats: int
    allocated: int


class CouncilCounts(Schema):
    councils: int
    topics_resolved: int
    resolutions_done: int
    proposals: int
    appointment_sessions: int
    appointment_demands_solved: int


class PropertyCounts(Schema):
    companies: int
    owners_committees: int
    tongxinqiao_branches: int
    estates_covered: int


class OverviewOut(Schema):
    communities: int
    grids: GridCounts
    households: int
    persons: int
    party: PartyCounts
    tickets: TicketCounts
    cobuild: CobuildCounts
    care: CareCounts
    mediation: MediationCounts
    venues: VenueCounts
    training: TrainingCounts
    points: PointsCounts
    devices: DeviceCounts
    routing: RoutingCounts
    social_organizations: SocialOrganizationCounts
    stairwells: StairwellCounts
    campaigns: CampaignCounts
    resettlement: ResettlementCounts
    councils: CouncilCounts
    property: PropertyCounts


def party_counts() -> dict[str, int]:
    total, _per = branch_coverage(Q())
    return {
        "branches_independent": total.branches_independent,
        "branches_joint": total.branches_joint,
        "grids_in_joint_branches": total.grids_in_joint_branches,
        "residential_grids_covered": total.residential_grids_covered,
        "units_registered": Unit.objects.filter(registered_at__isnull=False).count(),
        "members_registered": MemberRegistration.objects.filter(status=RegistrationStatus.ACCEPTED)
        .values("member_id")
        .distinct()
        .count(),
        **community_member_counts(),
    }


@router.get(
    "/overview", response={200: OverviewOut, **ERRORS}, auth=None, summary="全区概览（无需登录，仅汇总数字）"
)
def overview(request: HttpRequest):
    return overview_figures()


@replica_reads
def overview_figures() -> dict[str, Any]:
    """The district's figures: aggregates only, from the records (the API above and the public page
    /overview/, which shows an allow-list of them: gongzhi/console/public.py)."""
    return {
        **overview_counts(),
        "party": party_counts(),
        "tickets": overview_tickets(),
        "cobuild": {**volunteer_counts(), **cobuild_counts()},
        "care": care_counts(),
        "mediation": mediation_counts(),
        "venues": venue_counts(),
        "training": training_counts(),
        "points": points_counts(),
        "devices": devices_counts(),
        "routing": routing_counts(),
        "social_organizations": socialorg_counts(),
        "stairwells": stairwell_counts(),
        "campaigns": campaign_counts(),
        "resettlement": resettlement_counts(),
        "councils": councils_counts(),
        "property": property_counts(),
    }
