from django.apps import AppConfig


class JobsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gongzhi.jobs"
    verbose_name = "后台任务"

    def ready(self) -> None:
        from gongzhi.core import sweeps
        from gongzhi.jobs import permissions  # noqa: F401  (registers the rules predicates)
        from gongzhi.jobs.services import job_results_purge

        # Result files are kept for JOBS_RESULT_DAYS; the supervision sweep drops the older ones.
        sweeps.register("jobs", lambda today: {"过期任务结果": job_results_purge()})
