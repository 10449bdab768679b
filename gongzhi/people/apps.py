from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "gongzhi.people"
    label = "people"
