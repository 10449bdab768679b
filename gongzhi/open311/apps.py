from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gongzhi.open311"
    label = "open311"
    verbose_name = _("Open311 接入")

    def ready(self) -> None:
        from gongzhi.open311 import permissions  # noqa: F401  (registers the rules predicates)
