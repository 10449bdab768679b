from django.apps import AppConfig


class VolunteersConfig(AppConfig):
    name = "gongzhi.volunteers"
    label = "volunteers"
    verbose_name = "志愿服务"

    def ready(self) -> None:
        from gongzhi.volunteers import permissions  # noqa: F401  (registers the rules predicates)
