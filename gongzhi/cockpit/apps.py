from typing import Any

from django.apps import AppConfig


class CockpitConfig(AppConfig):
    name = "gongzhi.cockpit"
    label = "cockpit"
    verbose_name = "驾驶舱与一张图"

    def ready(self) -> None:
        from gongzhi.cockpit import permissions  # noqa: F401  (registers the rules predicates)
        from gongzhi.core.roles import DISTRICT_ADMINS
        from gongzhi.jobs.tasks import Kind, Schedule, register_kind, register_schedule

        # The cockpit's figures are rebuilt from the records every night by the task worker (jobs_worker),
        # and on the district admin's "rebuild now" as a background job with its progress.
        register_schedule(Schedule("cockpit.rollup_nightly", "驾驶舱指标每日重算", 86400, _nightly))
        register_kind(Kind("cockpit.rollup_rebuild", "驾驶舱指标重算", DISTRICT_ADMINS, _rebuild_job))


def _nightly() -> dict[str, Any]:
    from gongzhi.cockpit.services import rollup_rebuild

    return rollup_rebuild(actor=None)


def _rebuild_job(ctx: Any) -> dict[str, Any]:
    from gongzhi.cockpit.services import rollup_rebuild
    from gongzhi.jobs.enums import JobPhase

    ctx.progress(0, 1, phase=JobPhase.WRITING, force=True)
    out = rollup_rebuild(actor=ctx.actor, place=str(ctx.params.get("district", "")))
    return {"message": f"驾驶舱指标已按记录重算：{out['rows']} 行，{out['months']} 个月", **out}
