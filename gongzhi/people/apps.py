from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "gongzhi.people"
    label = "people"
    verbose_name = "实有人口"

    def ready(self) -> None:
        from gongzhi.people import permissions  # noqa: F401  (registers the rules predicates)
