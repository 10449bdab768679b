from django.apps import AppConfig


class ResettlementConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gongzhi.resettlement"
    verbose_name = "安置房分配"

    def ready(self) -> None:
        from gongzhi.resettlement import permissions  # noqa: F401  (registers the rules predicates)
