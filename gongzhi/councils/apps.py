from django.apps import AppConfig


class CouncilsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gongzhi.councils"
    verbose_name = "协商议事"

    def ready(self) -> None:
        from gongzhi.councils import permissions  # noqa: F401  (registers the rules predicates)
