"""The cockpit's figures: what each one counts, read from the modules' own querysets, and how a month of
them is computed for every place at once.

Every figure is one grouped query over its module's records (grouped by the four place-code columns and,
for a flow figure, by month); the sums per grid, community, subdistrict and district are added up here
from those groups, so a rebuild runs one query per figure whatever the number of places. The ticket
figures come from the tickets' own daily rollup (``DailyStat``), the same counters the tickets'
indicators sum (``tickets.indicators``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

LEVELS = ("district", "subdistrict", "community", "grid")
CHILD = {"district": "subdistrict", "subdistrict": "community", "community": "grid"}
LEVEL_LABELS: dict[str, StrOrPromise] = {
    "district": pgettext_lazy("place level", "区县"),
    "subdistrict": pgettext_lazy("place level", "街道"),
    "community": pgettext_lazy("place level", "社区"),
    "grid": pgettext_lazy("place level", "网格"),
}


def level_of(code: str) -> str:
    """The level of a place code: 6 digits a district, 15 a grid, 12 ending in 000 a subdistrict."""
    if len(code) == 6:
        return "district"
    if len(code) == 15:
        return "grid"
    if len(code) == 12:
        return "subdistrict" if code.endswith("000") else "community"
    return ""


def parent_of(code: str) -> str:
    level = level_of(code)
    if level == "grid":
        return code[:12]
    if level == "community":
        return code[:9] + "000"
    if level == "subdistrict":
        return code[:6]
    return ""


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(m: dt.date) -> dt.date:
    return (m.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def months_back(today: dt.date, n: int) -> list[dt.date]:
    """The ``n`` months up to and including today's, oldest first."""
    out = [month_start(today)]
    while len(out) < n:
        out.insert(0, month_start(out[0] - dt.timedelta(days=1)))
    return out


@dataclass(frozen=True)
class Figure:
    key: str
    label: StrOrPromise
    group: StrOrPromise
    unit: StrOrPromise
    # the module's queryset of what is counted (``today`` for the figures that depend on the date)
    source: Callable[[dt.date], QuerySet[Any]]
    # a flow figure: the date or datetime field whose month it counts in; "" for a stock figure
    when: str = ""
    # the path to the counted row's place codes (a milestone's are its resolution's)
    prefix: str = ""
    # "" counts rows; a field name sums it
    total: str = ""
    # the console page that lists the records
    link: str = ""


# --- the sources: the modules' own querysets -----------------------------------------------------------


def _persons(today: dt.date) -> QuerySet[Any]:
    from gongzhi.people.models import Person

    return Person.objects.all()


def _households(today: dt.date) -> QuerySet[Any]:
    from gongzhi.places.models import Household

    return Household.objects.all()


def _care_members(today: dt.date) -> QuerySet[Any]:
    from gongzhi.care.enums import MembershipStatus
    from gongzhi.care.models import CareMembership

    return CareMembership.objects.filter(status=MembershipStatus.ACTIVE)


def _care_overdue(today: dt.date) -> QuerySet[Any]:
    # care_counts' "visits_overdue": active memberships whose visit was due before today
    return _care_members(today).filter(due_on__lt=today)


def _care_visits(today: dt.date) -> QuerySet[Any]:
    from gongzhi.care.models import Visit

    return Visit.objects.all()


def _party_members(today: dt.date) -> QuerySet[Any]:
    from gongzhi.party.enums import MemberStatus
    from gongzhi.party.models import PartyMember

    return PartyMember.objects.filter(status=MemberStatus.ACTIVE)


def _party_branches(today: dt.date) -> QuerySet[Any]:
    from gongzhi.party.enums import BRANCH_KINDS
    from gongzhi.party.models import PartyOrganization

    return PartyOrganization.objects.filter(kind__in=BRANCH_KINDS, active=True)


def _grids_covered(today: dt.date) -> QuerySet[Any]:
    from gongzhi.party.enums import BRANCH_KINDS
    from gongzhi.places.models import Grid

    covered = Grid.objects.filter(party_orgs__kind__in=BRANCH_KINDS, party_orgs__active=True).values("pk")
    return Grid.objects.filter(pk__in=covered)


def _units_registered(today: dt.date) -> QuerySet[Any]:
    from gongzhi.party.models import Unit

    return Unit.objects.filter(registered_at__isnull=False)


def _members_registered(today: dt.date) -> QuerySet[Any]:
    from gongzhi.party.enums import RegistrationStatus
    from gongzhi.party.models import MemberRegistration

    return MemberRegistration.objects.filter(status=RegistrationStatus.ACCEPTED)


def _tickets_overdue(today: dt.date) -> QuerySet[Any]:
    # the tickets inbox "overdue": being handled and past the deadline
    from gongzhi.tickets.enums import HANDLING
    from gongzhi.tickets.models import Ticket

    return Ticket.objects.filter(status__in=sorted(HANDLING), deadline__lt=timezone.now())


def _red_cards(today: dt.date) -> QuerySet[Any]:
    from gongzhi.tickets.enums import SupervisionKind
    from gongzhi.tickets.models import Supervision

    return Supervision.objects.filter(kind=SupervisionKind.RED, resolved_at__isnull=True)


def _needs(today: dt.date) -> QuerySet[Any]:
    from gongzhi.cobuild.models import Need

    return Need.objects.all()


def _needs_fulfilled(today: dt.date) -> QuerySet[Any]:
    from gongzhi.cobuild.enums import NeedStatus

    return _needs(today).filter(status=NeedStatus.FULFILLED)


def _resources(today: dt.date) -> QuerySet[Any]:
    from gongzhi.cobuild.models import Resource

    return Resource.objects.filter(active=True)


def _projects_signed(today: dt.date) -> QuerySet[Any]:
    # cobuild_counts' "projects_signed"
    from gongzhi.cobuild.enums import ProjectStatus
    from gongzhi.cobuild.models import Project

    return Project.objects.filter(signed_at__isnull=False).exclude(status=ProjectStatus.CANCELLED)


def _volunteers(today: dt.date) -> QuerySet[Any]:
    from gongzhi.volunteers.models import Volunteer

    return Volunteer.objects.filter(active=True)


def _hours(today: dt.date) -> QuerySet[Any]:
    from gongzhi.volunteers.enums import HoursStatus
    from gongzhi.volunteers.models import ServiceHours

    return ServiceHours.objects.filter(status=HoursStatus.CONFIRMED)


def _topics(today: dt.date) -> QuerySet[Any]:
    from gongzhi.councils.models import Topic

    return Topic.objects.all()


def _resolutions(today: dt.date) -> QuerySet[Any]:
    from gongzhi.councils.models import Resolution

    return Resolution.objects.all()


def _milestones_overdue(today: dt.date) -> QuerySet[Any]:
    from gongzhi.councils.selectors import overdue_milestones

    return overdue_milestones(today=today)


def _appointment_sessions(today: dt.date) -> QuerySet[Any]:
    from gongzhi.councils.enums import AppointmentStatus
    from gongzhi.councils.models import AppointmentSession

    return AppointmentSession.objects.filter(status=AppointmentStatus.HELD)


def _ratings(today: dt.date) -> QuerySet[Any]:
    from gongzhi.property.models import PropertyRating

    return PropertyRating.objects.filter(company_score__isnull=False)


def _cases(today: dt.date) -> QuerySet[Any]:
    from gongzhi.mediation.models import Case

    return Case.objects.all()


def _cases_concluded(today: dt.date) -> QuerySet[Any]:
    # mediation_counts' success rate: agreements of the cases concluded (agreement or none)
    from gongzhi.mediation.enums import Outcome

    return _cases(today).filter(outcome__in=[Outcome.AGREEMENT, Outcome.NO_AGREEMENT])


def _cases_agreed(today: dt.date) -> QuerySet[Any]:
    from gongzhi.mediation.enums import Outcome

    return _cases(today).filter(outcome=Outcome.AGREEMENT)


def _warnings_open(today: dt.date) -> QuerySet[Any]:
    from gongzhi.mediation.enums import WarningStatus
    from gongzhi.mediation.models import DisputeWarning

    return DisputeWarning.objects.exclude(status=WarningStatus.CLOSED)


def _point_claims(today: dt.date) -> QuerySet[Any]:
    from gongzhi.points.models import Claim

    return Claim.objects.all()


def _points_awarded(today: dt.date) -> QuerySet[Any]:
    # points_counts' "points_awarded": the award legs of household accounts
    from gongzhi.points.enums import AccountKind, PostingKind
    from gongzhi.points.models import Leg

    return Leg.objects.filter(account__kind=AccountKind.HOUSEHOLD, posting__kind=PostingKind.AWARD)


def _venues(today: dt.date) -> QuerySet[Any]:
    from gongzhi.venues.models import Venue

    return Venue.objects.filter(active=True)


def _bookings(today: dt.date) -> QuerySet[Any]:
    from gongzhi.venues.enums import BookingStatus
    from gongzhi.venues.models import Booking

    return Booking.objects.exclude(status=BookingStatus.CANCELLED)


def _training_sessions(today: dt.date) -> QuerySet[Any]:
    from gongzhi.training.enums import SessionStatus
    from gongzhi.training.models import TrainingSession

    return TrainingSession.objects.exclude(status=SessionStatus.CANCELLED)


def _trainees(today: dt.date) -> QuerySet[Any]:
    from gongzhi.training.models import Trainee

    return Trainee.objects.filter(active=True)


def _devices(today: dt.date) -> QuerySet[Any]:
    from gongzhi.devices.models import Device

    return Device.objects.all()


def _devices_offline(today: dt.date) -> QuerySet[Any]:
    from gongzhi.devices.enums import DeviceStatus

    return _devices(today).filter(status=DeviceStatus.OFFLINE)


def _device_events(today: dt.date) -> QuerySet[Any]:
    from gongzhi.devices.models import DeviceEvent

    return DeviceEvent.objects.all()


def _stairwells(today: dt.date) -> QuerySet[Any]:
    from gongzhi.stairwells.models import Stairwell

    return Stairwell.objects.all()


def _campaigns(today: dt.date) -> QuerySet[Any]:
    from gongzhi.campaigns.models import Campaign

    return Campaign.objects.all()


def _socialorgs(today: dt.date) -> QuerySet[Any]:
    from gongzhi.socialorgs.models import OrganizationProfile

    return OrganizationProfile.objects.all()


F = Figure
FIGURES: list[Figure] = [
    F("persons", _("实有人口"), _("人口与关爱"), _("人"), _persons, link="people:search"),
    F("households", _("登记住户"), _("人口与关爱"), _("户"), _households),
    F("care_members", _("重点人群"), _("人口与关爱"), _("人"), _care_members, link="care:roster"),
    F("care_overdue", _("应访未访"), _("人口与关爱"), _("人"), _care_overdue, link="care:overdue"),
    F("care_visits", _("走访"), _("人口与关爱"), _("次"), _care_visits, when="visited_on", link="care:visits"),
    F("party_members", _("社区党员"), _("党建引领"), _("人"), _party_members, link="party:member_list"),
    F("party_branches", _("网格（联合）党支部"), _("党建引领"), _("个"), _party_branches, link="party:org_tree"),
    F("grids_covered", _("党组织覆盖网格"), _("党建引领"), _("个"), _grids_covered),
    F("units_registered", _("报到驻区单位"), _("党建引领"), _("家"), _units_registered, link="party:units"),
    F("members_registered", _("报到在职党员"), _("党建引领"), _("人"), _members_registered, link="party:registrations"),
    F("tickets_overdue", _("超期工单"), _("网格事件"), _("件"), _tickets_overdue, link="tickets:inbox"),
    F("red_cards", _("红牌督办"), _("网格事件"), _("件"), _red_cards, link="tickets:supervision"),
    F("needs", _("群众需求"), _("三张清单与志愿服务"), _("件"), _needs, when="created_at", link="cobuild:needs"),
    F("needs_fulfilled", _("解决需求"), _("三张清单与志愿服务"), _("件"), _needs_fulfilled, when="fulfilled_at"),
    F("resources", _("资源"), _("三张清单与志愿服务"), _("项"), _resources, link="cobuild:resources"),
    F("projects_signed", _("签约项目"), _("三张清单与志愿服务"), _("个"), _projects_signed, link="cobuild:projects"),
    F("volunteers", _("志愿者"), _("三张清单与志愿服务"), _("人"), _volunteers, link="volunteers:teams"),
    F("service_hours", _("志愿服务时长"), _("三张清单与志愿服务"), _("小时"), _hours, when="served_on", total="hours",
      link="volunteers:hours"),
    F("topics", _("议题"), _("协商议事与书记有约"), _("个"), _topics, when="created_at", link="councils:list"),
    F("resolutions", _("决议"), _("协商议事与书记有约"), _("项"), _resolutions, when="created_at",
      link="councils:resolutions"),
    F("milestones_overdue", _("决议节点超期"), _("协商议事与书记有约"), _("个"), _milestones_overdue, prefix="resolution__",
      link="councils:resolutions"),
    F("appointment_sessions", _("书记有约接待"), _("协商议事与书记有约"), _("场"), _appointment_sessions, when="date",
      link="councils:appointments"),
    F("property_ratings", _("物业评价"), _("红色物业"), _("份"), _ratings, when="created_at", link="property:assessment"),
    F("property_score_sum", _("物业评分合计"), _("红色物业"), _("分"), _ratings, when="created_at", total="company_score"),
    F("cases", _("调解案件"), _("人民调解"), _("件"), _cases, when="registered_on", link="mediation:cases"),
    F("cases_concluded", _("调结案件"), _("人民调解"), _("件"), _cases_concluded, when="registered_on"),
    F("cases_agreed", _("达成协议"), _("人民调解"), _("件"), _cases_agreed, when="registered_on"),
    F("warnings_open", _("未化解预警"), _("人民调解"), _("条"), _warnings_open, link="mediation:warnings"),
    F("point_claims", _("积分申报"), _("积分制管理"), _("件"), _point_claims, when="created_at", link="points:claims"),
    F("points_awarded", _("发放积分"), _("积分制管理"), _("分"), _points_awarded, when="posting__posted_at",
      prefix="account__", total="amount", link="points:accounts"),
    F("venues", _("服务阵地"), _("服务阵地与网格学院"), _("处"), _venues, link="venues:list"),
    F("bookings", _("阵地预约"), _("服务阵地与网格学院"), _("次"), _bookings, when="starts_at", link="venues:list"),
    F("training_sessions", _("培训场次"), _("服务阵地与网格学院"), _("场"), _training_sessions, when="starts_at",
      link="training:plans"),
    F("trainees", _("在册学员"), _("服务阵地与网格学院"), _("人"), _trainees, link="training:trainees"),
    F("devices", _("智慧设备"), _("智慧社区设备"), _("台"), _devices, link="devices:registry"),
    F("devices_offline", _("离线设备"), _("智慧社区设备"), _("台"), _devices_offline, link="devices:offline"),
    F("device_events", _("设备事件"), _("智慧社区设备"), _("条"), _device_events, when="occurred_at", link="devices:events"),
    F("stairwells", _("文明楼道"), _("楼道、行动与社会组织"), _("个"), _stairwells, link="stairwells:list"),
    F("campaigns", _("联合行动与巡查"), _("楼道、行动与社会组织"), _("项"), _campaigns, link="campaigns:list"),
    F("socialorgs", _("社会组织"), _("楼道、行动与社会组织"), _("家"), _socialorgs, link="socialorgs:list"),
]  # fmt: skip
BY_KEY = {f.key: f for f in FIGURES}

# The ticket counters read from the tickets' daily rollup, stored as "tickets.<counter>" (flow figures).
TICKET_COUNTERS = (
    "reported",
    "declined",
    "merged",
    "closed",
    "due",
    "on_time",
    "verifications",
    "reworked",
    "callbacks",
    "satisfied",
)
TICKET_KEYS = tuple(f"tickets.{c}" for c in TICKET_COUNTERS)
FLOW_KEYS = frozenset({f.key for f in FIGURES if f.when} | set(TICKET_KEYS))

# What needs attention: stock figures with the page that lists them.
ATTENTION = ("tickets_overdue", "care_overdue", "red_cards", "warnings_open", "milestones_overdue")


# --- computing -----------------------------------------------------------------------------------------

Values = dict[tuple[dt.date, str], dict[str, Decimal]]  # (period, place code) -> key -> value


def _add(out: Values, period: dt.date, codes: Iterable[str], key: str, value: Any) -> None:
    if not value:
        return
    for code in codes:
        if code:
            slot = out[(period, code)]
            slot[key] = slot.get(key, Decimal(0)) + Decimal(value)


def _as_month(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date().replace(day=1)
    return value.replace(day=1)


def _bounds(field: str, months: list[dt.date], qs: QuerySet[Any]) -> dict[str, Any]:
    """The filter on ``field`` for [first month, the month after the last): dates or aware datetimes."""
    first, after = months[0], next_month(months[-1])
    model_field = qs.model._meta.get_field(field.split("__")[0])
    is_datetime = model_field.get_internal_type() == "DateTimeField"
    if "__" in field:  # through a relation (a leg's posting's posted_at): a datetime
        is_datetime = True
    if is_datetime:
        tz = timezone.get_current_timezone()
        return {
            f"{field}__gte": dt.datetime.combine(first, dt.time.min, tzinfo=tz),
            f"{field}__lt": dt.datetime.combine(after, dt.time.min, tzinfo=tz),
        }
    return {f"{field}__gte": first, f"{field}__lt": after}


def _place_filter(prefix: str, district: str) -> dict[str, str]:
    return {f"{prefix}district_code": district} if district else {}


def compute_figure(
    fig: Figure, months: list[dt.date], today: dt.date, out: Values, district: str = ""
) -> None:
    """One grouped query: the figure per place (every level) and month, added into ``out``."""
    qs = fig.source(today).filter(**_place_filter(fig.prefix, district))
    cols = [f"{fig.prefix}{level}_code" for level in LEVELS]
    measure = Sum(fig.total) if fig.total else Count("pk")
    if fig.when:
        qs = qs.filter(**_bounds(fig.when, months, qs)).annotate(_m=TruncMonth(fig.when))
        rows = qs.values(*cols, "_m").annotate(_v=measure).order_by()
        for row in rows:
            _add(out, _as_month(row["_m"]), (row[c] for c in cols), fig.key, row["_v"])
        return
    current = month_start(today)
    if current not in months:
        return
    for row in qs.values(*cols).annotate(_v=measure).order_by():
        _add(out, current, (row[c] for c in cols), fig.key, row["_v"])


def compute_tickets(months: list[dt.date], out: Values, district: str = "") -> None:
    """The ticket counters per place and month from the tickets' ``DailyStat`` (one grouped query)."""
    from gongzhi.tickets.models import DailyStat

    cols = [f"{level}_code" for level in LEVELS]
    qs = DailyStat.objects.filter(
        day__gte=months[0], day__lt=next_month(months[-1]), **_place_filter("", district)
    )
    sums = {c: Sum(c) for c in TICKET_COUNTERS}
    rows = qs.annotate(_m=TruncMonth("day")).values(*cols, "_m").annotate(**sums).order_by()
    for row in rows:
        codes = [row[c] for c in cols]
        for c in TICKET_COUNTERS:
            _add(out, _as_month(row["_m"]), codes, f"tickets.{c}", row[c])


def compute_all(months: list[dt.date], today: dt.date, district: str = "") -> Values:
    out: Values = defaultdict(dict)
    for fig in FIGURES:
        compute_figure(fig, months, today, out, district)
    compute_tickets(months, out, district)
    return out
