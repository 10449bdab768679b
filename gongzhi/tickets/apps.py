from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "gongzhi.tickets"
    label = "tickets"
    verbose_name = _("网格事件")

    def ready(self) -> None:
        from django.db import transaction
        from django.db.models.signals import post_delete, post_save

        from gongzhi.tickets import permissions  # noqa: F401  (registers the rules predicates)
        from gongzhi.tickets.models import Category
        from gongzhi.tickets.services.intake import forget_categories

        def category_changed(**_: object) -> None:
            forget_categories()
            transaction.on_commit(forget_categories)

        post_save.connect(category_changed, sender=Category, dispatch_uid="tickets.categories.saved")
        post_delete.connect(category_changed, sender=Category, dispatch_uid="tickets.categories.deleted")

        # The task worker (jobs_worker) runs the supervision sweep every 5 minutes, once across workers,
        # and a rollup rebuild as a background job (tickets_rollup --rebuild --background).
        from gongzhi.core.roles import DISTRICT_ADMINS
        from gongzhi.jobs.tasks import Kind, Schedule, register_kind, register_schedule

        register_schedule(Schedule("tickets.supervision", "督办巡检", 300, _supervision_sweep))
        register_kind(Kind("tickets.rollup_rebuild", "工单统计重算", DISTRICT_ADMINS, _rollup_rebuild_job))
        from gongzhi.core.roles import PLACE_MANAGERS
        from gongzhi.tickets.hotline_jobs import JOB_KIND, hotline_import_job

        register_kind(Kind(JOB_KIND, "12345热线工单导入", PLACE_MANAGERS, hotline_import_job))
        # every night at 02:00 Beijing time the rollups are rebuilt from the records, district by district
        register_schedule(
            Schedule(
                "tickets.rollup_rebuild",
                "工单统计夜间重算",
                24 * 3600,
                _rollup_rebuild_nightly,
                offset_seconds=18 * 3600,
                first_at_next_slot=True,
            )
        )

        # The audit log names a ticket move's states (data "from"/"to") by the ticket's statuses.
        from gongzhi.audit.labels import register_values
        from gongzhi.tickets.enums import TicketStatus

        register_values("tickets", TicketStatus, fields=("from", "to", "status"))


def _supervision_sweep() -> dict[str, int]:
    """The supervision cards, then every other app's registered sweep (core.sweeps): ``tickets_supervise``."""
    from django.utils import timezone

    from gongzhi.core import sweeps
    from gongzhi.tickets.services import supervision_sweep

    out = {str(kind): n for kind, n in supervision_sweep().items()}
    out.update(sweeps.run_registered(timezone.localdate()))
    return out


def _rollup_rebuild_job(ctx: Any) -> dict[str, Any]:
    from gongzhi.tickets import rollup

    district = str(ctx.params.get("district", ""))
    n = rollup.rebuild(district)
    return {"message": f"统计已按记录重算：日统计 {n} 行（月统计和状态计数随之重算）", "rows": n}


def _rollup_rebuild_nightly() -> dict[str, int]:
    """Each district's rollup rebuilt from its tickets (one transaction each): {district code: rows}."""
    from gongzhi.places.models import District
    from gongzhi.tickets import rollup

    return {
        code: rollup.rebuild(code)
        for code in District.objects.order_by("code").values_list("code", flat=True)
    }
