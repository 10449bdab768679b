from django.apps import AppConfig


class CobuildConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gongzhi.cobuild"
    verbose_name = "三张清单"

    def ready(self) -> None:
        from gongzhi.cobuild import (
            permissions,  # noqa: F401  (registers the rules predicates)
            selectors,
        )
        from gongzhi.party.selectors.mine import register_cobuild_reader

        # the in-service member's and the unit liaison's pages (party, below) show these
        register_cobuild_reader("open_projects", selectors.open_projects_of_community)
        register_cobuild_reader("unit_resources", selectors.resources_of_unit)
        register_cobuild_reader("unit_projects", selectors.projects_of_unit)
