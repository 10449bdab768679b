"""Who may do what with volunteer data: the rules the services, the API, the console and the H5 pages ask.

- Community staff (community worker, community secretary) and the district admin (``COMMUNITY_MANAGERS``)
  manage the teams, volunteers and activities of their places and confirm hours there.
- A team's leader and organisers, the liaison of the unit that owns the team and the activity's named
  organiser organise its activities: they record attendance and confirm hours (谁组织谁记录).
- Place-scoped staff roles (``POPULATION_ROLES``) read the rows of their places; a volunteer reads and
  acts on their own.
"""

from __future__ import annotations

from typing import Any

import rules

from gongzhi.core.permissions import holds_over
from gongzhi.core.roles import COMMUNITY_MANAGERS, POPULATION_ROLES
from gongzhi.volunteers.models import (
    Activity,
    ActivitySession,
    Attendance,
    HoursEditRequest,
    ServiceHours,
    SignUp,
    Volunteer,
)
from gongzhi.volunteers.selectors.scope import organizer_team_ids, own_volunteer_id

_manages = holds_over(COMMUNITY_MANAGERS)
_reads = holds_over(POPULATION_ROLES)


def _activity_of(obj: Any) -> Activity | None:
    """The activity a row belongs to: the activity itself, a session, a sign-up, an attendance, an hours
    record or an edit request of one."""
    if isinstance(obj, Activity):
        return obj
    if isinstance(obj, ActivitySession):
        return obj.activity
    if isinstance(obj, (SignUp, Attendance, ServiceHours)):
        return obj.session.activity
    if isinstance(obj, HoursEditRequest):
        return obj.service_hours.session.activity
    return None


@rules.predicate
def _organizes_activity(user: Any, obj: Any) -> bool:
    """The activity's community staff, its named organiser, or an organiser of its team."""
    activity = _activity_of(obj)
    if activity is None or user is None:
        return False
    return bool(
        _manages(user, activity)
        or activity.organizer_id == user.pk
        or activity.team_id in organizer_team_ids(user)
    )


@rules.predicate
def _organizes_team(user: Any, team: Any) -> bool:
    """The team's community staff, or its leader, organisers and the owning unit's liaison."""
    if team is None or user is None:
        return False
    return bool(_manages(user, team) or team.pk in organizer_team_ids(user))


@rules.predicate
def _is_own(user: Any, obj: Any) -> bool:
    """The actor's own volunteer profile, or a row of it (membership, sign-up, hours)."""
    if obj is None or user is None:
        return False
    own = own_volunteer_id(user)
    volunteer_id = obj.pk if isinstance(obj, Volunteer) else getattr(obj, "volunteer_id", None)
    return own is not None and volunteer_id == own


@rules.predicate
def _membership_team_organizer(user: Any, membership: Any) -> bool:
    return membership is not None and bool(_organizes_team(user, membership.team))


# Registers of a community (obj: the community, or a team of it).
rules.add_perm("volunteers.add_socialorganization", _manages)
rules.add_perm("volunteers.manage_team", _manages)  # form a team, appoint its leader
rules.add_perm("volunteers.add_volunteer", _manages)  # register residents and members as volunteers
rules.add_perm("volunteers.rebuild_totals", _manages)
# A volunteer (obj: the Volunteer).
rules.add_perm("volunteers.view_volunteer", _reads | _manages | _is_own)
rules.add_perm("volunteers.change_volunteer", _is_own | _manages)
rules.add_perm("volunteers.issue_certificate", _manages)
# Teams and membership.
rules.add_perm("volunteers.organize_team", _organizes_team)
rules.add_perm("volunteers.remove_teammembership", _membership_team_organizer | _is_own)
# Activities (obj: the activity, or a session, sign-up, attendance, hours record or edit request of one).
rules.add_perm("volunteers.organize_activity", _organizes_activity)
rules.add_perm("volunteers.view_attendance", _organizes_activity | _reads)  # a session's sign-ups, check-ins
rules.add_perm("volunteers.cancel_signup", _is_own | _organizes_activity)
rules.add_perm("volunteers.view_servicehours", _organizes_activity | _reads | _is_own)
