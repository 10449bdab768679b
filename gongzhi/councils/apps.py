from django.apps import AppConfig


class CouncilsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gongzhi.councils"
    verbose_name = "协商议事"

    def ready(self) -> None:
        from gongzhi.councils import permissions  # noqa: F401  (registers the rules predicates)
        from gongzhi.councils.selectors import resolution_volunteer_points_earned
        from gongzhi.points import sources
        from gongzhi.points.enums import RuleSource

        # a resolution's volunteers earn points under a rule of this source (points/sources.py)
        sources.register(RuleSource.RESOLUTION_VOLUNTEERS, resolution_volunteer_points_earned)
