from django.apps import AppConfig


class CockpitConfig(AppConfig):
    name = "gongzhi.cockpit"
    label = "cockpit"
    verbose_name = "驾驶舱与一张图"
