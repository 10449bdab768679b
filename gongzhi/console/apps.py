from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "gongzhi.console"
    label = "console"
