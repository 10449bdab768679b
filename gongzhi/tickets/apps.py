from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "gongzhi.tickets"
    label = "tickets"
    verbose_name = _("网格事件")

    def ready(self) -> None:
        from django.db import transaction
        from django.db.models.signals import post_delete, post_save

        from gongzhi.tickets import permissions  # noqa: F401  (registers the rules predicates)
        from gongzhi.tickets.models import Category
        from gongzhi.tickets.services.intake import forget_categories

        def category_changed(**_: object) -> None:
            forget_categories()
            transaction.on_commit(forget_categories)

        post_save.connect(category_changed, sender=Category, dispatch_uid="tickets.categories.saved")
        post_delete.connect(category_changed, sender=Category, dispatch_uid="tickets.categories.deleted")
