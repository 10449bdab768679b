from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "gongzhi.assessment"
    default_auto_field = "django.db.models.BigAutoField"
    label = "assessment"
    verbose_name = "考核"

    def ready(self) -> None:
        from gongzhi.assessment import permissions  # noqa: F401  (registers the rules)
