"""Accounts in the Django admin. Every write goes through accounts.services (with its audit row);
the password hash, the phone ciphertext and its keyed hash are never shown — only the masked phone."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.models import RoleAssignment, User
from gongzhi.accounts.services import role_assign, role_revoke, user_create
from gongzhi.core import ids
from gongzhi.core.errors import ApplicationError
from gongzhi.core.roles import ROLE_LEVEL, ScopeLevel


class UserAddForm(forms.ModelForm):
    phone = forms.CharField(label=_("手机号"), required=False, max_length=20)
    password1 = forms.CharField(label=_("密码"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("确认密码"), widget=forms.PasswordInput, strip=False)

    class Meta:
        model = User
        fields = ("username", "display_name", "is_staff")

    def clean_phone(self) -> str:
        value = self.cleaned_data.get("phone", "")
        if not value:
            return ""
        try:
            return ids.normalise_phone(value)
        except ApplicationError as exc:
            raise ValidationError(exc.message) from exc

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("两次输入的密码不一致"))
        elif p1:
            try:
                password_validation.validate_password(p1, User(username=data.get("username", "")))
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


class RoleAssignmentInline(admin.TabularInline):
    """Current and past roles. Only "有效" can be changed: unticking it revokes the role."""

    model = RoleAssignment
    fk_name = "user"
    verbose_name = _("角色分配")
    verbose_name_plural = _("已分配的角色")
    fields = ("role", "level", "place_code", "department", "household", "active", "created_at")
    readonly_fields = ("role", "level", "place_code", "department", "household", "created_at")
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[RoleAssignment]:
        return (
            super().get_queryset(request).select_related("department", "household").order_by("-active", "id")
        )


class NewRoleForm(forms.ModelForm):
    class Meta:
        model = RoleAssignment
        fields = ("role", "place_code", "department", "household")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role = data.get("role")
        if not role:
            return data
        level = ROLE_LEVEL[role]
        if level == ScopeLevel.DEPARTMENT and not data.get("department"):
            self.add_error("department", _("部门经办人必须指定部门"))
        elif level == ScopeLevel.HOUSEHOLD and not data.get("household"):
            self.add_error("household", _("居民角色必须关联住户"))
        elif level not in (ScopeLevel.DEPARTMENT, ScopeLevel.HOUSEHOLD) and not data.get("place_code"):
            self.add_error("place_code", _("请填写%(level)s代码") % {"level": ScopeLevel(level).label})
        return data


class NewRoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    form = NewRoleForm
    verbose_name = _("新增角色")
    verbose_name_plural = _("新增角色（区县/街道/社区/网格填写范围代码；部门经办人选部门；居民选住户）")
    fields = ("role", "place_code", "department", "household")
    raw_id_fields = ("department", "household")
    extra = 1
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[RoleAssignment]:
        return super().get_queryset(request).none()

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ("username", "display_name", "phone_masked", "roles_display", "is_active", "last_login")
    list_filter = ("is_active", "is_staff", "is_superuser")
    search_fields = ("username", "display_name")
    ordering = ("username",)
    inlines = (RoleAssignmentInline, NewRoleAssignmentInline)
    # No user_update service yet: an account's own fields are read-only here; roles are managed below.
    readonly_fields = (
        "username",
        "display_name",
        "phone_masked",
        "is_active",
        "is_staff",
        "is_superuser",
        "last_login",
        "date_joined",
    )
    fields = readonly_fields
    add_fields = ("username", "display_name", "phone", "password1", "password2", "is_staff")

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "role_assignments",
                    queryset=RoleAssignment.objects.filter(active=True).order_by("id"),
                    to_attr="active_roles",
                )
            )
        )

    @admin.display(description=_("角色"))
    def roles_display(self, obj: User) -> str:
        roles = getattr(obj, "active_roles", None)
        if roles is None:
            roles = list(obj.role_assignments.filter(active=True))
        return "、".join(str(ra.get_role_display()) for ra in roles) or "—"

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[User], search_term: str
    ) -> tuple[QuerySet[User], bool]:
        """A full phone number is found through its keyed hash (the number itself is not stored)."""
        qs, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term.isdigit() and len(term) == 11:
            qs = qs | queryset.filter(phone_hash=ids.keyed_hash(term))
        return qs, may_have_duplicates

    # --- add: through user_create ----------------------------------------------------------

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = UserAddForm
            kwargs["fields"] = ("username", "display_name", "is_staff")
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.add_fields if obj is None else self.fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return () if obj is None else self.readonly_fields

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        if change:
            return  # nothing on the account row is editable here
        created = user_create(
            actor=request.user,  # type: ignore[arg-type]
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password1"],
            display_name=form.cleaned_data.get("display_name", ""),
            phone=form.cleaned_data.get("phone", ""),
            is_staff=form.cleaned_data.get("is_staff", False),
        )
        obj.pk = created.pk
        obj._state.adding = False
        obj._state.db = created._state.db

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    # --- roles: through role_assign / role_revoke ------------------------------------------

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not RoleAssignment:
            super().save_formset(request, form, formset, change)
            return
        user: User = form.instance
        actor: User = request.user  # type: ignore[assignment]
        # What the admin's change message and history read (ModelAdmin.construct_change_message).
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for f in formset.forms:
            if not f.has_changed():
                continue
            try:
                if f.instance.pk is None:
                    data = f.cleaned_data
                    ra = role_assign(
                        actor=actor,
                        user=user,
                        role=data["role"],
                        place_code=data.get("place_code") or "",
                        department=data.get("department"),
                        household=data.get("household"),
                    )
                    formset.new_objects.append(ra)
                elif "active" in f.changed_data:
                    if f.cleaned_data["active"]:
                        self.message_user(
                            request, _("已撤销的角色不能恢复，请新增同样的角色"), level=messages.WARNING
                        )
                    else:
                        role_revoke(actor=actor, assignment_id=f.instance.pk)
                        formset.changed_objects.append((f.instance, ["active"]))
            except ApplicationError as exc:
                self.message_user(request, _("角色未保存：%(m)s") % {"m": exc.message}, level=messages.ERROR)
