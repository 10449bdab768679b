"""Who may do what with a background job: only the person who started it, and only while their roles still
cover the places the job was started for (``selectors.job_get_for_actor`` checks the scope)."""

from __future__ import annotations

from typing import Any

import rules


@rules.predicate
def _started_it(user: Any, job: Any) -> bool:
    return job is not None and user is not None and job.actor_id is not None and job.actor_id == user.pk


rules.add_perm("jobs.view_job", _started_it)
rules.add_perm("jobs.cancel_job", _started_it)
rules.add_perm("jobs.download_job", _started_it)
