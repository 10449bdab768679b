from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gongzhi.campaigns"
    verbose_name = "联合行动与巡查"

    def ready(self) -> None:
        from gongzhi.campaigns import permissions  # noqa: F401  (registers the rules predicates)
        from gongzhi.campaigns.services.sweep import campaign_missed_rounds_sweep
        from gongzhi.core import sweeps

        sweeps.register("campaigns_missed_rounds", campaign_missed_rounds_sweep)
