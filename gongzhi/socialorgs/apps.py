from django.apps import AppConfig


class SocialorgsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gongzhi.socialorgs"
    verbose_name = "社会组织"

    def ready(self) -> None:
        from gongzhi.socialorgs import permissions  # noqa: F401  (registers the rules predicates)
