from django.apps import AppConfig


class AuthzConfig(AppConfig):
    name = "gongzhi.authz"
    verbose_name = "权限矩阵"
