from django.apps import AppConfig


class PartyConfig(AppConfig):
    name = "gongzhi.party"
    label = "party"
    verbose_name = "党建"

    def ready(self) -> None:
        from gongzhi.party import permissions  # noqa: F401  (registers the rules predicates)
