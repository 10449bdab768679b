from django.apps import AppConfig


class PropertyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gongzhi.property"
    verbose_name = "红色物业"

    def ready(self) -> None:
        from gongzhi.property import permissions  # noqa: F401  (registers the rules predicates)
