"""Who may do what in the grid academy.

- The community's staff, the subdistrict office and the district admin (``PLACE_MANAGERS``) make the plans
  of their places, the courses and sessions, register trainees and their qualifications, record attendance
  for those without a phone and issue certificates of completion.
- A trainee checks in at a session by scanning its QR code (the volunteers' check-in window), and reads
  their own attendance and certificates.
Reading by place is the selectors' scope (``POPULATION_ROLES``).
"""

from __future__ import annotations

import rules

from gongzhi.core.permissions import holds_over
from gongzhi.core.roles import PLACE_MANAGERS

_manages = holds_over(PLACE_MANAGERS)

rules.add_perm("training.manage_training", _manages)  # obj: a plan, course, session, trainee, or a place
