from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class PlacedModel(TimeStampedModel):
    """A row that belongs to a place carries the codes of every level above it.

    Scope filters are then plain equality on an indexed column, whichever level the actor works at.
    """

    district_code = models.CharField(_("区县代码"), max_length=6, db_index=True)
    subdistrict_code = models.CharField(_("街道代码"), max_length=12, db_index=True)
    community_code = models.CharField(_("社区代码"), max_length=12, db_index=True)
    grid_code = models.CharField(_("网格编码"), max_length=15, blank=True, db_index=True)

    class Meta:
        abstract = True

    def set_place_codes(self, *, grid_code: str = "", community_code: str = "") -> None:
        from gongzhi.core import codes

        if grid_code:
            community_code = codes.community_of_grid(grid_code)
        self.grid_code = grid_code
        self.community_code = community_code
        self.subdistrict_code = codes.subdistrict_of(community_code)
        self.district_code = community_code[:6]
