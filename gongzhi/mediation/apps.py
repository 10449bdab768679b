from django.apps import AppConfig


class MediationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gongzhi.mediation"
    verbose_name = "人民调解"

    def ready(self) -> None:
        from gongzhi.mediation import permissions  # noqa: F401  (registers the rules predicates)
