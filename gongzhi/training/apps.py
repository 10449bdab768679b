from django.apps import AppConfig


class TrainingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gongzhi.training"
    verbose_name = "网格学院"

    def ready(self) -> None:
        # all certificates of a course as one PDF to print, made by the task worker
        from gongzhi.core.roles import PLACE_MANAGERS
        from gongzhi.jobs.tasks import Kind, register_kind
        from gongzhi.training import permissions  # noqa: F401  (registers the rules predicates)
        from gongzhi.training.certificate import JOB_KIND, certificates_pdf_job

        register_kind(Kind(JOB_KIND, "结业证书批量打印", PLACE_MANAGERS, certificates_pdf_job))
