from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import PlacedModel
from gongzhi.people.enums import Gender, ImportStatus, Relation, ResidenceType


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
    # Indexed by person_initials_prefix_idx and person_pinyin_prefix_idx (Meta), for prefix searches.
    name_pinyin = models.CharField(max_length=200, blank=True)
    name_initials = models.CharField(max_length=50, blank=True)
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
        # The prefix searches on initials and pinyin (``LIKE 'zhq%'``, which needs the pattern opclass on
        # PostgreSQL, the database's collation not being C) carry the id and the district, so for a
        # district or city scope people.selectors.person_list_for_actor picks the page's ids from the
        # index alone and reads the table for the page's rows only, not for every match. Narrower scopes
        # (grid, community, subdistrict) have few matches, found through their own code's index.
        # SQLite: plain indexes.
        indexes = [
            models.Index(fields=["community_code", "id"], name="person_community_id_idx"),
            *(
                models.Index(
                    fields=[field],
                    opclasses=["varchar_pattern_ops"],
                    include=["id", "district_code"],
                    name=name,
                )
                for field, name in (
                    ("name_initials", "person_initials_prefix_idx"),
                    ("name_pinyin", "person_pinyin_prefix_idx"),
                )
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PopulationImport(models.Model):
    """One upload of the population register (实有人口) from an xlsx file, applied or not.

    Kept so that the uploader (and whoever's scope covers theirs) can download the error report later.
    Row values in ``error_rows`` are stored as in the file except ID and phone numbers, which are masked:
    the report must not become an unprotected copy of the register.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="population_imports",
    )
    created_at = models.DateTimeField(_("导入时间"), auto_now_add=True, db_index=True)
    file_name = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(_("文件SHA-256"), max_length=64, db_index=True)
    status = models.CharField(_("状态"), max_length=16, choices=ImportStatus.choices)
    dry_run = models.BooleanField(_("仅校验"), default=False)
    rows = models.PositiveIntegerField(_("数据行数"), default=0)
    created = models.PositiveIntegerField(_("新增人数"), default=0)
    updated = models.PositiveIntegerField(_("更新人数"), default=0)
    unchanged = models.PositiveIntegerField(_("未变人数"), default=0)
    households_created = models.PositiveIntegerField(_("新增户数"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    # [{"row": 5, "column": "身份证号码", "message": "身份证号码校验位错误"}, …] (capped, see error_count)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    headers = models.JSONField(_("原始列名"), default=list, blank=True)
    # {"5": ["370115001001001", "银山小区", …]}: the values of the rows that have errors, IDs masked.
    error_rows = models.JSONField(_("出错行原始内容"), default=dict, blank=True)
    # The uploader's population-editing place codes when uploading; the place columns below are the
    # smallest place containing them, so the record is scoped like the data it was about.
    scope_codes = models.JSONField(_("导入人管辖范围"), default=list, blank=True)
    district_code = models.CharField(_("区县代码"), max_length=6, blank=True, db_index=True)
    subdistrict_code = models.CharField(_("街道代码"), max_length=12, blank=True)
    community_code = models.CharField(_("社区代码"), max_length=12, blank=True, db_index=True)
    grid_code = models.CharField(_("网格编码"), max_length=15, blank=True)
    # The background job that made this record: written in the import's one transaction, so a job run
    # again after its worker died finds it and writes nothing twice.
    job = models.OneToOneField(
        "jobs.Job",
        verbose_name=_("后台任务"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="population_import",
    )

    class Meta:
        verbose_name = _("人口导入记录")
        verbose_name_plural = _("人口导入记录")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.file_name}（{self.get_status_display()}）"
