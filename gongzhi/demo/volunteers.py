"""Demo: volunteer teams, a year of activities and the hours they recorded, through the services.

About 140 teams across the communities (a community team, a social organisation's team and the teams of
units registered there), weekly series as in seed 000 (the "678" weekend service of every community;
in the first community also the Wednesday free clinic, Thursday red film and Friday legal advice) and
one-off activities, together about 1,370 sessions held in the year up to the demo's ``TODAY`` with
attendances and confirmed hours. A few sessions in the coming days take sign-ups (one already has a
waiting list) and the most diligent volunteers of each community hold a numbered certificate.

Activities held at a community's 党群服务中心 or its "678" 党员驿站 (seeded before, by ``demo/venues.py``) name
that venue (``venue_id``) when their times lie inside its opening hours, and each of their sessions books
the venue (a booking linked to the activity; a session whose slot is already booked keeps its activity
without a booking), all recorded at the end in one batch through ``bookings_bulk_record``.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.utils import timezone

from gongzhi.accounts.models import User
from gongzhi.demo.layout import spread, username_stem
from gongzhi.demo.population import TODAY
from gongzhi.party.enums import RegistrationStatus, UnitKind
from gongzhi.party.models import MemberRegistration, Unit
from gongzhi.people.models import Person
from gongzhi.places.enums import GridKind
from gongzhi.places.models import Community, Grid
from gongzhi.venues import hours
from gongzhi.venues.enums import BookerKind, BookingStatus, LinkKind, VenueKind
from gongzhi.venues.models import Booking, Venue
from gongzhi.venues.services.bookings import BookingInput, BookingRow, bookings_bulk_record
from gongzhi.volunteers.enums import ActivityCategory, MembershipRole, OwnerKind, Recurrence
from gongzhi.volunteers.models import Activity, Volunteer, VolunteerTeam
from gongzhi.volunteers.services.activities import activity_create, signup_create
from gongzhi.volunteers.services.bulk import (
    ServedRow,
    VolunteerRow,
    activity_history_record,
    volunteers_bulk_register,
)
from gongzhi.volunteers.services.certificates import certificate_issue
from gongzhi.volunteers.services.teams import social_organization_create, team_create

TEAMS = 140
HELD = 1370
SERIES_START = TODAY - dt.timedelta(days=363)
SERIES_END = TODAY

# (title, skills, weekday, start, end, venue, category) — seed 000's weekly services
WEEKLY_678 = ("“678”党员驿站周末志愿服务", ["general"], 5, dt.time(9, 0), dt.time(11, 0), "党群服务中心")
WEEKLY_FIRST = [
    ("周三义诊", ["medical"], 2, dt.time(9, 0), dt.time(11, 30), "党群服务中心卫生室", UnitKind.HOSPITAL),
    (
        "周四红色电影放映",
        ["culture"],
        3,
        dt.time(19, 0),
        dt.time(21, 0),
        "社区文化广场",
        UnitKind.PUBLIC_INSTITUTION,
    ),
    ("周五法律咨询调解", ["legal"], 4, dt.time(14, 30), dt.time(16, 30), "“商量”工作室", UnitKind.AGENCY),
]
ONE_OFF: dict[str, list[tuple[str, list[str], dt.time, dt.time]]] = {
    UnitKind.HOSPITAL: [
        ("健康讲座·慢病用药指导", ["medical"], dt.time(9, 0), dt.time(11, 0)),
        ("测血压血糖义诊", ["medical"], dt.time(8, 30), dt.time(11, 0)),
    ],
    UnitKind.AGENCY: [
        ("惠民政策宣讲进小区", ["publicity"], dt.time(15, 0), dt.time(17, 0)),
        ("防范电信诈骗宣传", ["it"], dt.time(9, 30), dt.time(11, 30)),
    ],
    UnitKind.PUBLIC_INSTITUTION: [
        ("红色电影进社区", ["culture"], dt.time(19, 0), dt.time(21, 0)),
        ("老年人智能手机教学", ["it"], dt.time(14, 30), dt.time(16, 30)),
    ],
    UnitKind.STATE_ENTERPRISE: [
        ("安全用电入户检查", ["repair"], dt.time(9, 0), dt.time(11, 30)),
        ("燃气安全宣传进楼道", ["publicity"], dt.time(14, 0), dt.time(16, 0)),
    ],
    UnitKind.SCHOOL: [
        ("四点半课堂", ["education"], dt.time(16, 30), dt.time(18, 0)),
        ("暑期青少年安全教育", ["education"], dt.time(9, 0), dt.time(11, 0)),
    ],
    UnitKind.COMPANY: [
        ("小区环境卫生整治", ["environment"], dt.time(8, 0), dt.time(10, 30)),
        ("家电义务维修", ["repair"], dt.time(9, 0), dt.time(11, 30)),
    ],
    UnitKind.SOCIAL_ORGANIZATION: [
        ("关爱独居老人上门探访", ["elderly_care"], dt.time(9, 0), dt.time(11, 0)),
        ("“一老一小”陪伴活动", ["psychology"], dt.time(15, 0), dt.time(17, 0)),
    ],
    "community": [
        ("文明楼道清洁日", ["environment"], dt.time(8, 30), dt.time(10, 30)),
        ("垃圾分类宣传值守", ["environment"], dt.time(18, 30), dt.time(20, 0)),
        ("“七一”慰问老党员", ["elderly_care"], dt.time(9, 0), dt.time(11, 0)),
    ],
    "social": [
        ("邻里互助公益集市", ["general"], dt.time(9, 0), dt.time(11, 30)),
        ("“暖心港湾”心理疏导", ["psychology"], dt.time(14, 30), dt.time(16, 30)),
        ("非遗小课堂", ["culture"], dt.time(14, 0), dt.time(16, 0)),
    ],
}
UPCOMING = [
    ("冬季送温暖·为困难群众送棉衣", ["elderly_care"], dt.time(9, 0), dt.time(11, 0), 5),
    ("社区义诊（冬季流感预防）", ["medical"], dt.time(9, 0), dt.time(11, 30), 20),
]


def _aware(day: dt.date, t: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, t), timezone.get_default_timezone())


class VolunteerSeeder:
    def __init__(self, seeder: Any) -> None:
        self.seeder = seeder
        self.rng = seeder.gen.rng
        self.totals = {
            "teams": 0,
            "volunteers": 0,
            "activities": 0,
            "held": 0,
            "attendances": 0,
            "certificates": 0,
            "bookings": 0,
        }
        self.sites: dict[tuple[str, str], Venue] = {}
        for v in Venue.objects.filter(
            kind__in=(VenueKind.SERVICE_CENTRE, VenueKind.STATION_678), active=True
        ).order_by("pk"):
            self.sites.setdefault((v.community_code, v.kind), v)
        self.booking_rows: list[BookingRow] = []

    # -- the venues activities are held at -------------------------------------------------------------
    def site(
        self, community: Community, venue_text: str, day: dt.date, start: dt.time, end: dt.time
    ) -> Venue | None:
        """The registered venue a place text names (the 驿站 or the 党群服务中心), if open at that time."""
        kind = (
            VenueKind.STATION_678
            if "驿站" in venue_text
            else VenueKind.SERVICE_CENTRE
            if venue_text.startswith(f"{community.name}党群服务中心")
            else None
        )
        site = self.sites.get((community.code, kind)) if kind else None
        if site is None or not hours.is_open_between(site, _aware(day, start), _aware(day, end)):
            return None
        return site

    def book(self, site: Venue | None, activity: Activity) -> None:
        if site is None:
            return
        for session in activity.sessions.all():
            self.booking_rows.append(
                BookingRow(
                    site,
                    BookingInput(
                        starts_at=session.starts_at,
                        ends_at=session.ends_at,
                        purpose=activity.title[:100],
                        attendees=min(activity.capacity, site.capacity),
                        booker_kind=BookerKind.TEAM,
                        organization_name=activity.team.name[:100],
                        linked_kind=LinkKind.ACTIVITY,
                        linked_id=activity.pk,
                    ),
                )
            )

    def record_bookings(self) -> None:
        """The sessions' bookings in one batch; slots already booked (the venues' own year) are left out
        here, and the service checks hours and overlaps again."""
        if not self.booking_rows:
            return
        ids = {r.venue.pk for r in self.booking_rows}
        held: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {i: [] for i in ids}
        for vid, a, b in Booking.objects.filter(venue_id__in=ids, status=BookingStatus.CONFIRMED).values_list(
            "venue_id", "starts_at", "ends_at"
        ):
            held[vid].append((a, b))
        rows = []
        for r in self.booking_rows:
            s, e = r.data.starts_at, r.data.ends_at
            assert s is not None and e is not None
            if any(a < e and s < b for a, b in held[r.venue.pk]):
                continue
            held[r.venue.pk].append((s, e))
            rows.append(r)
        admin = User.objects.get(username="admin")
        self.totals["bookings"] += len(bookings_bulk_record(actor=admin, rows=rows))

    def secretary(self, community: Community) -> User:
        return User.objects.get(username=f"{username_stem(community.name)}-sj")

    # -- teams and their members ----------------------------------------------------------------------
    def teams_for(
        self, community: Community, unit_teams: int, first: bool
    ) -> list[tuple[VolunteerTeam, str]]:
        actor = self.secretary(community)
        out: list[tuple[VolunteerTeam, str]] = []
        out.append(
            (
                team_create(
                    actor=actor,
                    community_id=community.pk,
                    name=f"{community.name}红马甲志愿服务队",
                    service_area=f"{community.name}全域",
                    skills=["general", "environment"],
                    description="社区党委组建，党员带头、居民参与，周六周日及工作日8小时以外开展服务。",
                ),
                "community",
            )
        )
        org = social_organization_create(
            actor=actor,
            community_id=community.pk,
            name=f"{community.name.removesuffix('社区')}邻里互助服务社",
            field_of_service="为老服务、邻里互助",
            contact_name=self.seeder.name(),
        )
        out.append(
            (
                team_create(
                    actor=actor,
                    community_id=community.pk,
                    name=f"{org.name}志愿服务队",
                    owner_kind=OwnerKind.SOCIAL_ORGANIZATION,
                    social_organization_id=org.pk,
                    service_area=f"{community.name}各小区",
                    skills=["elderly_care", "psychology"],
                ),
                "social",
            )
        )
        units = list(Unit.objects.filter(community=community).order_by("id"))
        if (
            first
        ):  # seed 000's clinic, film and legal advice come from a hospital, an institution and an agency
            wanted = [w[6] for w in WEEKLY_FIRST]
            units.sort(key=lambda u: (u.kind not in wanted, u.pk))
        for unit in units[:unit_teams]:
            out.append(
                (
                    team_create(
                        actor=actor,
                        community_id=community.pk,
                        name=f"{unit.name}党员志愿服务队",
                        owner_kind=OwnerKind.UNIT,
                        unit_id=unit.pk,
                        service_area=unit.paired_grid.name if unit.paired_grid else community.name,
                    ),
                    unit.kind,
                )
            )
        return out

    def members(
        self, community: Community, teams: list[tuple[VolunteerTeam, str]], keep_person: int | None
    ) -> dict[int, list[int]]:
        """Residents fill the community's and the social organisation's teams; in-service members
        registered here fill the unit teams. Everyone serves in one team."""
        rng = self.rng
        adult = dt.date(TODAY.year - 18, TODAY.month, 1)
        persons = list(
            Person.objects.filter(community_code=community.code, birth_date__lte=adult)
            .order_by("id")
            .values_list("id", flat=True)
        )
        rng.shuffle(persons)
        if keep_person is not None:
            persons = [keep_person, *[p for p in persons if p != keep_person]]
        members = list(
            MemberRegistration.objects.filter(community=community, status=RegistrationStatus.ACCEPTED)
            .order_by("member_id")
            .values_list("member_id", flat=True)
        )
        rng.shuffle(members)
        rows: list[VolunteerRow] = []
        for team, kind in teams:
            size = rng.randint(18, 28) if kind == "community" else rng.randint(8, 16)
            pool = persons if kind in ("community", "social") else members
            take, pool[:] = pool[:size], pool[size:]
            for i, ident in enumerate(take):
                rows.append(
                    VolunteerRow(
                        person_id=ident if kind in ("community", "social") else None,
                        party_member_id=ident if kind not in ("community", "social") else None,
                        skills=team.skills[:1] or ["general"],
                        availability_pattern="678" if rng.random() < 0.6 else "",
                        team_id=team.pk,
                        role=MembershipRole.LEADER
                        if i == 0
                        else MembershipRole.ORGANIZER
                        if i == 1
                        else MembershipRole.MEMBER,
                    )
                )
        made = volunteers_bulk_register(actor=self.secretary(community), community_id=community.pk, rows=rows)
        self.totals["volunteers"] += len(made)
        by_team: dict[int, list[int]] = {}
        for row, v in zip(rows, made, strict=True):
            by_team.setdefault(row.team_id or 0, []).append(v.pk)
        return by_team

    # -- activities and their history -----------------------------------------------------------------
    def series(self, community: Community, team: VolunteerTeam, spec: tuple[Any, ...]) -> Activity:
        title, skills, weekday, start, end, venue = spec[:6]
        first_day = SERIES_START + dt.timedelta(days=(weekday - SERIES_START.weekday()) % 7)
        label = f"{community.name}{venue}" if "驿站" not in title else "驿站"
        site = self.site(community, label, first_day, start, end)
        activity = activity_create(
            actor=self.secretary(community),
            team_id=team.pk,
            title=title,
            venue="" if site is not None and "驿站" in title else f"{community.name}{venue}",
            venue_id=site.pk if site is not None else None,
            capacity=30,
            recurrence=Recurrence.WEEKLY,
            weekday=weekday,
            start_date=SERIES_START,
            end_date=SERIES_END,
            start_time=start,
            end_time=end,
            skills=skills,
            category=ActivityCategory.CO_BUILDING
            if team.owner_kind == OwnerKind.UNIT
            else ActivityCategory.VOLUNTEER_SERVICE,
        )
        self.book(site, activity)
        return activity

    def one_off(self, community: Community, team: VolunteerTeam, kind: str, day: dt.date) -> Activity:
        title, skills, start, end = self.rng.choice(ONE_OFF[kind])
        venue = f"{community.name}{self.rng.choice(['党群服务中心', '文化广场', '新时代文明实践站', '小区议事亭'])}"
        site = self.site(community, venue, day, start, end)
        activity = activity_create(
            actor=self.secretary(community),
            team_id=team.pk,
            title=title,
            venue=venue,
            venue_id=site.pk if site is not None else None,
            capacity=self.rng.choice([10, 15, 20, 30]),
            start_date=day,
            start_time=start,
            end_time=end,
            skills=skills,
            category=ActivityCategory.CO_BUILDING
            if team.owner_kind == OwnerKind.UNIT
            else ActivityCategory.VOLUNTEER_SERVICE,
        )
        self.book(site, activity)
        return activity

    def history(self, community: Community, activity: Activity, volunteers: list[int]) -> None:
        """Who served at each session held up to TODAY: the team's core (leader, organisers and a few
        regulars) comes most weeks, the others now and then. The last week's hours await confirmation."""
        rng = self.rng
        core, rest = volunteers[:5], volunteers[5:]
        confirmed: list[ServedRow] = []
        pending: list[ServedRow] = []
        last_week = TODAY - dt.timedelta(days=6)
        for session in activity.sessions.filter(
            starts_at__lt=_aware(TODAY + dt.timedelta(days=1), dt.time(0))
        ):
            present = [v for v in core if rng.random() < 0.85]
            present += rng.sample(rest, min(len(rest), rng.randint(1, 6)))
            if not present:
                present = [volunteers[0]]
            for v in present[: session.capacity]:
                row = ServedRow(
                    session_id=session.pk,
                    volunteer_id=v,
                    check_in_at=session.starts_at - dt.timedelta(minutes=rng.randint(0, 15)),
                    check_out_at=session.ends_at + dt.timedelta(minutes=rng.randint(-10, 15)),
                )
                (pending if timezone.localtime(session.starts_at).date() >= last_week else confirmed).append(
                    row
                )
            self.totals["held"] += 1
            self.totals["attendances"] += len(present[: session.capacity])
        actor = self.secretary(community)
        if confirmed:
            activity_history_record(actor=actor, activity_id=activity.pk, rows=confirmed)
        if pending:
            activity_history_record(actor=actor, activity_id=activity.pk, rows=pending, confirm=False)

    def run(self) -> dict[str, int]:
        communities = list(Community.objects.order_by("code"))
        if not communities:
            return self.totals
        first_grid = Grid.objects.filter(kind=GridKind.RESIDENTIAL).order_by("code").first()
        demo_resident = (
            Person.objects.filter(grid_code=first_grid.code, relation="head")
            .exclude(phone_hash="")
            .order_by("id")
            .values_list("id", flat=True)
            .first()
            if first_grid
            else None
        )
        unit_teams = spread(TEAMS - 2 * len(communities), len(communities))
        plan: list[tuple[Community, VolunteerTeam, str, list[int]]] = []
        for n, community in enumerate(communities):
            first = n == 0
            teams = self.teams_for(community, unit_teams[n], first)
            self.totals["teams"] += len(teams)
            keep = demo_resident if first else None
            by_team = self.members(community, teams, keep)
            plan.extend((community, team, kind, by_team.get(team.pk, [])) for team, kind in teams)
        # Weekly series: the 678 weekend service everywhere; seed 000's three in the first community.
        weekly_days: dict[int, int] = {}
        for community, team, kind, volunteers in plan:
            if kind == "community" and volunteers:
                spec = (*WEEKLY_678[:2], 5 if community.pk % 2 else 6, *WEEKLY_678[3:])
                activity = self.series(community, team, spec)
                weekly_days[team.pk] = spec[2]
                self.history(community, activity, volunteers)
                self.totals["activities"] += 1
        first_community = communities[0]
        used: set[int] = set()
        for first_spec in WEEKLY_FIRST:
            for community, team, kind, volunteers in plan:
                if (
                    community == first_community
                    and kind == first_spec[6]
                    and team.pk not in used
                    and volunteers
                ):
                    used.add(team.pk)
                    weekly_days[team.pk] = first_spec[2]
                    self.history(community, self.series(community, team, first_spec), volunteers)
                    self.totals["activities"] += 1
                    break
        # One-offs fill up to HELD, spread over the other teams.
        others = [(c, t, k, v) for c, t, k, v in plan if v and t.pk not in used]
        remaining = max(0, HELD - self.totals["held"])
        shares = spread(remaining, len(others)) if others else []
        for (community, team, kind, volunteers), share in zip(others, shares, strict=True):
            days: set[dt.date] = set()
            while len(days) < share:
                day = SERIES_START + dt.timedelta(days=self.rng.randint(0, 362))
                if day.weekday() != weekly_days.get(team.pk, -1):
                    days.add(day)
            for day in sorted(days):
                activity = self.one_off(community, team, kind if kind in ONE_OFF else "community", day)
                self.history(community, activity, volunteers)
                self.totals["activities"] += 1
        self.upcoming(communities, plan)
        self.record_bookings()
        self.certificates(communities)
        return self.totals

    def upcoming(
        self, communities: list[Community], plan: list[tuple[Community, VolunteerTeam, str, list[int]]]
    ) -> None:
        """Sessions in the coming days (from the day the demo is seeded) that take sign-ups; the small one
        is full and has a waiting list."""
        today = timezone.localdate()
        for community, team, kind, volunteers in plan:
            if kind != "community" or not volunteers:
                continue
            actor = self.secretary(community)
            for n, (title, skills, start, end, capacity) in enumerate(UPCOMING):
                day = today + dt.timedelta(days=2 + 4 * n)
                site = self.site(community, f"{community.name}党群服务中心", day, start, end)
                activity = activity_create(
                    actor=actor,
                    team_id=team.pk,
                    title=title,
                    venue=f"{community.name}党群服务中心",
                    venue_id=site.pk if site is not None else None,
                    capacity=capacity,
                    start_date=day,
                    start_time=start,
                    end_time=end,
                    skills=skills,
                )
                self.totals["activities"] += 1
                self.book(site, activity)
                if community == communities[0] and n == 0:
                    session = activity.sessions.get()
                    for v in volunteers[1 : capacity + 3]:
                        signup_create(actor=actor, session_id=session.pk, volunteer_id=v)

    def certificates(self, communities: list[Community]) -> None:
        for community in communities:
            top = Volunteer.objects.filter(community_code=community.code, total_hours__gt=0).order_by(
                "-total_hours", "id"
            )[:2]
            for v in top:
                certificate_issue(actor=self.secretary(community), volunteer_id=v.pk, period_end=TODAY)
                self.totals["certificates"] += 1


def seed_volunteers(seeder: Any) -> dict[str, int]:
    t = time.monotonic()
    totals = VolunteerSeeder(seeder).run()
    seconds = round(time.monotonic() - t, 1)
    if hasattr(seeder, "stats"):
        seeder.stats.timings["volunteers"] = seconds
    if hasattr(seeder, "progress"):
        seeder.progress(
            f"  志愿服务：{totals['teams']} 支队伍，{totals['volunteers']} 名志愿者，{totals['held']} 场次活动已开展，"
            f"{totals['attendances']} 人次签到，{totals['certificates']} 份证明，{totals['bookings']} 次阵地预约（{seconds} 秒）"
        )
    return totals
