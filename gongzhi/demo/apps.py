from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "gongzhi.demo"
    label = "demo"
    verbose_name = "演示数据"

    def ready(self) -> None:
        from gongzhi.demo.seed import JOB_KIND, demo_build_job
        from gongzhi.jobs.tasks import Kind, register_kind

        # make run: the accounts and places at once, the rest by the task worker (seed_demo --background)
        register_kind(Kind(JOB_KIND, "演示区后台生成", None, demo_build_job, public=True))
