from django.apps import AppConfig


class H5Config(AppConfig):
    name = "gongzhi.h5"
    label = "h5"
