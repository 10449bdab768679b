from django.apps import AppConfig


class CobuildConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gongzhi.cobuild"
    verbose_name = "三张清单"

    def ready(self) -> None:
        from gongzhi.cobuild import permissions  # noqa: F401  (registers the rules predicates)
