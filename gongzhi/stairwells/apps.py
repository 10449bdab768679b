from django.apps import AppConfig


class StairwellsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gongzhi.stairwells"
    verbose_name = "文明楼道"

    def ready(self) -> None:
        from gongzhi.points import sources
        from gongzhi.points.enums import RuleSource
        from gongzhi.stairwells import permissions  # noqa: F401  (registers the rules predicates)
        from gongzhi.stairwells.selectors import naming_points_earned

        # a named stairwell's households earn points under a rule of this source (points/sources.py)
        sources.register(RuleSource.STAIRWELL_NAMING, naming_points_earned)
