from django.apps import AppConfig


class PointsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gongzhi.points"
    verbose_name = "积分制管理"

    def ready(self) -> None:
        from gongzhi.points import permissions  # noqa: F401  (registers the rules predicates)
