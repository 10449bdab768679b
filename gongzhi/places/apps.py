from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "gongzhi.places"
    label = "places"

    def ready(self) -> None:
        from django.db import transaction
        from django.db.models.signals import post_delete, post_save

        from gongzhi.places import geo, permissions  # noqa: F401  (permissions registers the rules)
        from gongzhi.places.models import Grid

        def grid_changed(**_: object) -> None:
            # At once, and again after the commit, so a locator built from the old rows meanwhile goes too.
            geo.forget_locator()
            transaction.on_commit(geo.forget_locator)

        post_save.connect(grid_changed, sender=Grid, dispatch_uid="places.grid_locator.saved")
        post_delete.connect(grid_changed, sender=Grid, dispatch_uid="places.grid_locator.deleted")
