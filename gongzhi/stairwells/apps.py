from django.apps import AppConfig


class StairwellsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gongzhi.stairwells"
    verbose_name = "文明楼道"

    def ready(self) -> None:
        from gongzhi.stairwells import permissions  # noqa: F401  (registers the rules predicates)
