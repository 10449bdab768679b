from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TimeStampedModel
from gongzhi.core.roles import Role, ScopeLevel


class User(AbstractUser):
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone_encrypted = models.TextField(blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    phone_masked = models.CharField(_("手机号"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    @property
    def display_label(self) -> str:
        return self.display_name or self.username


class RoleAssignment(TimeStampedModel):
    """One role held by one user over one place (or department, or household)."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    level = models.CharField(_("范围层级"), max_length=16, choices=ScopeLevel.choices)
    # The place code at ``level`` (district 6, subdistrict/community 12, grid 15 digits).
    place_code = models.CharField(_("范围代码"), max_length=15, blank=True, db_index=True)
    department = models.ForeignKey(
        "places.Department", verbose_name=_("部门"), null=True, blank=True, on_delete=models.PROTECT
    )
    household = models.ForeignKey(
        "places.Household", verbose_name=_("住户"), null=True, blank=True, on_delete=models.PROTECT
    )
    active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("角色分配")
        verbose_name_plural = _("角色分配")
        constraints = [
            # department and household are NULL for every other kind of role, and NULLs never clash in
            # a unique index: compare them as 0 so the rule holds for place, department and household roles.
            models.UniqueConstraint(
                "user",
                "role",
                "place_code",
                Coalesce("department", Value(0)),
                Coalesce("household", Value(0)),
                condition=models.Q(active=True),
                name="role_assignment_unique_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.place_code or self.department or self.household}"


class OneTimeCode(models.Model):
    """A sign-in code sent to a resident's phone; only its hash is kept."""

    phone_hash = models.CharField(max_length=64, db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("验证码")
        verbose_name_plural = _("验证码")

    def __str__(self) -> str:
        return f"验证码 #{self.pk}"
