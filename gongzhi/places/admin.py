"""Django admin for the reference data of places: read-only, so nothing bypasses the services.

Divisions, grids and teams change through the services (console pages, the API, the GeoJSON import),
which check the actor's scope and write the audit row. The one exception is ``Department``: its admin
adds and renames through ``department_create`` / ``department_update``, so those are audited too.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from gongzhi.core.errors import ApplicationError
from gongzhi.places import services
from gongzhi.places.models import Community, Department, District, Grid, GridTeamMember, Subdistrict


class ReadOnlyAdmin(admin.ModelAdmin):
    """View only: no add, change or delete (those go through the services)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(District)
class DistrictAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "updated_at")
    search_fields = ("code", "name")


@admin.register(Subdistrict)
class SubdistrictAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "kind", "district")
    list_filter = ("kind", "district")
    search_fields = ("code", "name")
    list_select_related = ("district",)


@admin.register(Community)
class CommunityAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "kind", "subdistrict", "has_boundary")
    list_filter = ("kind", "subdistrict__district")
    search_fields = ("code", "name")
    list_select_related = ("subdistrict",)
    exclude = ("boundary",)

    @admin.display(description="有边界", boolean=True)
    def has_boundary(self, obj: Community) -> bool:
        return obj.boundary is not None


@admin.register(Grid)
class GridAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "kind", "covers_name", "community", "has_boundary")
    list_filter = ("kind", "covers")
    search_fields = ("code", "name", "covers_name")
    list_select_related = ("community",)
    exclude = ("boundary",)

    @admin.display(description="有边界", boolean=True)
    def has_boundary(self, obj: Grid) -> bool:
        return obj.boundary is not None


@admin.register(GridTeamMember)
class GridTeamMemberAdmin(ReadOnlyAdmin):
    list_display = ("grid", "role", "name", "phone_masked", "note")
    list_filter = ("role",)
    search_fields = ("name", "grid__code", "grid__name")
    list_select_related = ("grid",)
    # The encrypted phone and its hash are not for reading; the masked one is shown.
    exclude = ("phone_encrypted", "phone_hash")


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ("district", "code", "name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        district, code = data.get("district"), (data.get("code") or "").strip()
        if district and code:
            clash = Department.objects.filter(district=district, code=code)
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("code", f"部门代码{code}已存在")
        return data


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    form = DepartmentForm
    list_display = ("code", "name", "district")
    list_filter = ("district",)
    search_fields = ("code", "name")
    list_select_related = ("district",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # A department's district and code are its identity (tickets refer to it); only the name changes.
        return ("district", "code") if obj is not None else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Department, form: Any, change: bool) -> None:
        actor = request.user
        try:
            if change:
                saved = services.department_update(actor=actor, department_id=obj.pk, name=obj.name)  # type: ignore[arg-type]
            else:
                saved = services.department_create(
                    actor=actor,  # type: ignore[arg-type]
                    district=obj.district,
                    code=obj.code,
                    name=obj.name,
                )
        except ApplicationError as exc:
            # The form has checked what it can; what is left (e.g. a scope refusal) must not be a 500.
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied(exc.message) from exc
        obj.pk = saved.pk
        obj._state.adding = False
        obj.created_at, obj.updated_at = saved.created_at, saved.updated_at
