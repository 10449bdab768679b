from django.apps import AppConfig


class TrainingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gongzhi.training"
    verbose_name = "网格学院"

    def ready(self) -> None:
        from gongzhi.training import permissions  # noqa: F401  (registers the rules predicates)
