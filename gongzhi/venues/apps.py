from django.apps import AppConfig


class VenuesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gongzhi.venues"
    verbose_name = "服务阵地"

    def ready(self) -> None:
        from gongzhi.venues import permissions  # noqa: F401  (registers the rules predicates)
