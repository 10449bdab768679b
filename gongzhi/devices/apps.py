from django.apps import AppConfig


class DevicesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gongzhi.devices"
    verbose_name = "智慧社区设备"

    def ready(self) -> None:
        from gongzhi.core import sweeps
        from gongzhi.devices import permissions  # noqa: F401  (registers the rules predicates)
        from gongzhi.devices.services.heartbeats import device_silence_sweep

        sweeps.register("devices_silent", device_silence_sweep)
