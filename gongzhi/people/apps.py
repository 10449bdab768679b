from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "gongzhi.people"
    label = "people"
    verbose_name = "实有人口"

    def ready(self) -> None:
        from gongzhi.people import permissions  # noqa: F401  (registers the rules predicates)
        from gongzhi.people.selectors import person_counts_by_grid
        from gongzhi.places.selectors import grid_counter_register

        # The place tree and a grid's figures count persons per grid; places sits below people.
        grid_counter_register(key="persons", counter=person_counts_by_grid)

        from gongzhi.core.roles import POPULATION_EDITORS
        from gongzhi.jobs.tasks import Kind, register_kind
        from gongzhi.people.imports import JOB_KIND, population_import_job

        register_kind(Kind(JOB_KIND, "实有人口导入", POPULATION_EDITORS, population_import_job))
        from gongzhi.core.roles import POPULATION_ROLES
        from gongzhi.people.exports import EXPORT_JOB_KIND, persons_export_job

        register_kind(Kind(EXPORT_JOB_KIND, "实有人口导出", POPULATION_ROLES, persons_export_job))
        from gongzhi.audit.labels import register_values
        from gongzhi.people.enums import PersonTag

        # A person's tags are a list on no choice field: the audit log names them through this.
        register_values("people", PersonTag, fields=("tags",))
