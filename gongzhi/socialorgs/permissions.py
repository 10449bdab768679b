"""Who may do what with social organisations: the rules the services, the API and the console ask.

- The community's staff, the subdistrict office and the district admin (``PLACE_MANAGERS``) keep the
  registry of their places: register an organisation, its profile, incubation, yearly plans, social
  workers; they enter a funded project's application and its deliveries, review applications and enter
  their organisations in the contest.
- The subdistrict office or the district admin (``SUBDISTRICT_MANAGERS``), who hold the funds, approve or
  reject an application, close a project, and run the yearly contest (judges, scoring, the ranking).
- A judge of a contest scores its entries — never an entry of their own organisation (the service asks
  ``core.duties.refuse_own_work``); nobody reviews or decides a project they applied for.
Reading is the selectors' scope.
"""

from __future__ import annotations

from typing import Any

import rules

from gongzhi.core.permissions import holds, holds_over
from gongzhi.core.roles import PLACE_MANAGERS, PLACE_READERS, SUBDISTRICT_MANAGERS

_manages = holds_over(PLACE_MANAGERS)
_subdistrict = holds_over(SUBDISTRICT_MANAGERS)


@rules.predicate
def _judge_of(user: Any, contest: Any) -> bool:
    from gongzhi.socialorgs.models import ContestJudge

    if contest is None or user is None or not getattr(user, "is_authenticated", False):
        return False
    return ContestJudge.objects.filter(contest_id=contest.pk, user_id=user.pk).exists()


rules.add_perm("socialorgs.view_socialorgs", holds(PLACE_READERS))  # the pages (navigation)
rules.add_perm("socialorgs.manage_organization", _manages)  # obj: the community or the organisation
rules.add_perm("socialorgs.apply_project", _manages)  # obj: the organisation
rules.add_perm("socialorgs.review_project", _manages)  # obj: the funded project
rules.add_perm("socialorgs.deliver_project", _manages)  # obj: the funded project
rules.add_perm("socialorgs.decide_project", _subdistrict)  # approve / reject / close; obj: the project
rules.add_perm("socialorgs.manage_contest", _subdistrict)  # obj: the subdistrict or the contest
rules.add_perm("socialorgs.enter_contest", _manages)  # obj: the organisation
rules.add_perm("socialorgs.score_entry", _judge_of)  # obj: the contest
