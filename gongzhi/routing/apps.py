from django.apps import AppConfig


class RoutingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gongzhi.routing"
    verbose_name = "智能分拨"

    def ready(self) -> None:
        from gongzhi.routing import permissions  # noqa: F401  (registers the rules predicates)
