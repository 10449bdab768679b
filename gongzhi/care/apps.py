from django.apps import AppConfig


class CareConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gongzhi.care"
    verbose_name = "重点人群关爱"

    def ready(self) -> None:
        from gongzhi.care import permissions  # noqa: F401  (registers the rules predicates)
        from gongzhi.care.services.sweep import care_overdue_sweep
        from gongzhi.core import sweeps

        sweeps.register("care_overdue", care_overdue_sweep)
