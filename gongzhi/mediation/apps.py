from django.apps import AppConfig


class MediationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gongzhi.mediation"
    verbose_name = "人民调解"

    def ready(self) -> None:
        from gongzhi.jobs.tasks import Schedule, register_schedule
        from gongzhi.mediation import permissions  # noqa: F401  (registers the rules predicates)

        # the weekly warning run of every district (as of the week's Monday), by the task worker
        register_schedule(
            Schedule("mediation.weekly_warnings", "矛盾纠纷每周预警", 7 * 24 * 3600, _weekly_warnings)
        )


def _weekly_warnings() -> dict[str, int]:
    from gongzhi.mediation.services.warnings import warnings_run
    from gongzhi.places.models import District

    out: dict[str, int] = {}
    for code in District.objects.order_by("code").values_list("code", flat=True):
        out[code] = warnings_run(actor=None, district_code=code)["new"]
    return out
