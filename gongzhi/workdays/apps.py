from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "gongzhi.workdays"
    label = "workdays"
    verbose_name = "工作日历"

    def ready(self) -> None:
        from gongzhi.workdays import permissions  # noqa: F401  (registers the rules predicates)
