from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import PlacedModel
from gongzhi.people.enums import Gender, Relation, ResidenceType


class Person(PlacedModel):
    household = models.ForeignKey(
        "places.Household",
        verbose_name=_("住户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="persons",
    )
    name = models.CharField(_("姓名"), max_length=50)
    name_pinyin = models.CharField(max_length=200, blank=True, db_index=True)
    name_initials = models.CharField(max_length=50, blank=True, db_index=True)
    gender = models.CharField(_("性别"), max_length=8, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    relation = models.CharField(
        _("与户主关系"), max_length=16, choices=Relation.choices, default=Relation.HEAD
    )
    residence_type = models.CharField(
        _("居住类型"), max_length=16, choices=ResidenceType.choices, default=ResidenceType.REGISTERED
    )
    tags = models.JSONField(_("标签"), default=list, blank=True)

    id_number_encrypted = models.TextField(blank=True)
    id_number_hash = models.CharField(max_length=64, blank=True)
    id_number_masked = models.CharField(_("身份证号码"), max_length=20, blank=True)
    phone_encrypted = models.TextField(blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True)
    phone_last4 = models.CharField(max_length=4, blank=True, db_index=True)

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("居民账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hash"],
                condition=~models.Q(id_number_hash=""),
                name="person_unique_id_number",
            )
        ]
        indexes = [models.Index(fields=["community_code", "id"], name="person_community_id_idx")]

    def __str__(self) -> str:
        return self.name
