from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "gongzhi.accounts"
    label = "accounts"

    def ready(self) -> None:
        from gongzhi.accounts import permissions  # noqa: F401  (registers the rules predicates)
