from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "gongzhi.audit"
    label = "audit"

    def ready(self) -> None:
        from gongzhi.audit import permissions  # noqa: F401  (registers the rules predicates)
