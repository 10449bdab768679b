from django.apps import AppConfig


class PartyConfig(AppConfig):
    name = "gongzhi.party"
    label = "party"
    verbose_name = "党建"
