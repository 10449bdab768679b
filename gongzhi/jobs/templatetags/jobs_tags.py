from __future__ import annotations

from typing import Any

from django import template

from gongzhi.jobs.selectors import system_jobs_running

register = template.Library()


@register.inclusion_tag("jobs/partials/_system_banner.html")
def system_jobs_banner() -> dict[str, Any]:
    """The demo district's background build, while it runs (login and home pages)."""
    return {"system_jobs": system_jobs_running()}
