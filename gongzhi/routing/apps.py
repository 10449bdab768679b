from typing import Any

from django.apps import AppConfig


class RoutingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gongzhi.routing"
    verbose_name = "智能分拨"

    def ready(self) -> None:
        from gongzhi.core.roles import DISTRICT_ADMINS
        from gongzhi.jobs.tasks import Kind, register_kind
        from gongzhi.routing import permissions  # noqa: F401  (registers the rules predicates)

        # routing_retrain --background: the retraining as a job (minutes at city scale)
        register_kind(Kind("routing.retrain", "分拨模型重新训练", DISTRICT_ADMINS, _retrain_job))
        # and every week (Sunday 03:00 Beijing time), from the week's decisions
        from gongzhi.jobs.tasks import Schedule, register_schedule

        register_schedule(
            Schedule(
                "routing.retrain",
                "分拨模型每周重新训练",
                7 * 24 * 3600,
                _retrain_weekly,
                offset_seconds=67 * 3600,  # the epoch's Thursday 00:00 UTC + 67 h = Saturday 19:00 UTC
                first_at_next_slot=True,
            )
        )


def _retrain_job(ctx: Any) -> dict[str, Any]:
    from gongzhi.routing.services import routing_model_retrain

    v = routing_model_retrain(actor=ctx.actor, label_noise=float(ctx.params.get("label_noise", 0.0)))
    verdict = "已启用" if v.deployed else "未通过留出集检验，未启用"
    return {
        "message": f"新模型 {v.label}：{verdict}（新 {v.candidate_accuracy}，现 {v.current_accuracy}）",
        "version": v.label,
        "deployed": v.deployed,
        "examples": v.examples,
    }


def _retrain_weekly() -> dict[str, Any]:
    """The scheduled retraining: a new version, deployed only if it passes the held-out check; too few
    decided tickets yet is an answer, not a failure."""
    from gongzhi.core.errors import Conflict
    from gongzhi.routing.services import routing_model_retrain

    try:
        v = routing_model_retrain(actor=None)
    except Conflict as exc:
        return {"skipped": exc.message}
    return {"version": v.label, "deployed": v.deployed, "examples": v.examples}
