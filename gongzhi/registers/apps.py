from django.apps import AppConfig


class RegistersConfig(AppConfig):
    name = "gongzhi.registers"
    label = "registers"
    verbose_name = "台账导入导出"

    def ready(self) -> None:
        from gongzhi.registers import permissions  # noqa: F401  (registers the rules predicates)
