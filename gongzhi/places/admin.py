"""Django admin for the reference data of places. Nothing here bypasses the services.

Districts, subdistricts and communities are added through ``district_create`` / ``subdistrict_create`` /
``community_create`` and renamed through the ``*_rename`` services, so each change is checked and
audited like any other; a code is read-only once created and nothing is deleted (every placed row
refers to its places by code). A superuser works everywhere; a district admin (a staff account with
the district admin role) sees and edits only their own district, and only a superuser adds a district.
Grids and grid teams stay view-only here: grids come from the console's GeoJSON import, teams from the
grid page. ``Department`` adds and renames through ``department_create`` / ``department_update``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, cast

from django import forms
from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse

from gongzhi.core.admin import ReadOnlyAdmin
from gongzhi.core.errors import ApplicationError, ValidationFailed
from gongzhi.core.permissions import allowed
from gongzhi.core.roles import Role
from gongzhi.core.scope import scope_of
from gongzhi.places import services
from gongzhi.places.models import Community, Department, District, Grid, GridTeamMember, Subdistrict

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


# --- districts, subdistricts, communities: add and rename through the services ----------------------


def _actor(request: HttpRequest) -> Actor:
    return cast("Actor", request.user)


def _administered(request: HttpRequest) -> set[str] | None:
    """The district codes the user administers; None for a superuser (every district)."""
    user = request.user
    if user.is_superuser:
        return None
    return {
        code[:6] for role, _level, code in scope_of(_actor(request)).places if role == Role.DISTRICT_ADMIN
    }


class _ServiceRefused(Exception):
    """A service said no after the form said yes (a race, or a check only the service makes)."""

    def __init__(self, error: ApplicationError) -> None:
        super().__init__(error.message)
        self.error = error


class PlaceForm(forms.ModelForm):
    """Add: the code checks of the create service, each error on its field. Change: the name only."""

    # Set (on a subclass made per request) when the service refused what this form had passed.
    refusal: ClassVar[ApplicationError | None] = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.instance.pk is None:
            self.clean_new(data)
        if self.refusal is not None and not self.errors:
            self.add_application_error(self.refusal)
        return data

    def clean_new(self, data: dict[str, Any]) -> None:
        # Each admin below says how a new row of its level is checked (Django's admin metaclass
        # does not mix with abc.ABCMeta, so the hooks are plain methods that every subclass overrides).
        raise NotImplementedError

    def run_validator(self, validate: Callable[[], object]) -> None:
        """Run a service validator; its ``ValidationFailed`` becomes errors on the form's fields."""
        try:
            validate()
        except ValidationFailed as exc:
            self.add_application_error(exc)

    def add_application_error(self, exc: ApplicationError) -> None:
        on_fields = {f: m for f, m in exc.fields.items() if f in self.fields}
        for field, message in on_fields.items():
            self.add_error(field, message)
        if not on_fields:
            self.add_error(None, exc.message)


class DistrictForm(PlaceForm):
    class Meta:
        model = District
        fields = ("code", "name")
        help_texts: ClassVar[dict[str, str]] = {
            "code": "6位行政区划代码（GB/T 2260），如370115；创建后不能修改",
        }

    def clean_new(self, data: dict[str, Any]) -> None:
        code = data.get("code")
        if code:
            self.run_validator(lambda: services.validate_new_district_code(code))


class SubdistrictForm(PlaceForm):
    class Meta:
        model = Subdistrict
        fields = ("district", "code", "name")
        help_texts: ClassVar[dict[str, str]] = {
            "code": "12位统计用区划代码：区县代码＋3位乡级代码＋000，如370115001000；创建后不能修改",
        }

    def clean_new(self, data: dict[str, Any]) -> None:
        code, district = data.get("code"), data.get("district")
        if code:
            # Without a valid district the code is still checked for its own shape.
            self.run_validator(
                lambda: services.validate_new_subdistrict_code(code, district.code if district else None)
            )


class CommunityForm(PlaceForm):
    class Meta:
        model = Community
        fields = ("subdistrict", "code", "name")
        help_texts: ClassVar[dict[str, str]] = {
            "code": "12位统计用区划代码：街道代码前9位＋3位村级代码，如370115001001；"
            "001–199 居委会，200–399 村委会；创建后不能修改",
        }

    def clean_new(self, data: dict[str, Any]) -> None:
        code, sub = data.get("code"), data.get("subdistrict")
        if code:
            self.run_validator(lambda: services.validate_new_community_code(code, sub.code if sub else None))


def _adopt(obj: Model, saved: Model) -> None:
    """Make the admin's unsaved instance the row the service saved (for the redirect and the history)."""
    for f in saved._meta.concrete_fields:
        setattr(obj, f.attname, getattr(saved, f.attname))
    obj._state.adding = False
    obj._state.db = saved._state.db


class PlaceAdmin(admin.ModelAdmin):
    """Add and rename through the services, scoped to the districts the user administers; no delete."""

    form: Any = PlaceForm
    # The lookup from this model to its district code, for the scoped list.
    district_lookup: ClassVar[str]
    add_fields: ClassVar[tuple[str, ...]]
    change_fields: ClassVar[tuple[str, ...]]
    change_readonly: ClassVar[tuple[str, ...]]

    # -- who may do what: a superuser everywhere, a district admin in their district --------------

    def _may(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None:
            return allowed(request.user, "places.administer_place")
        return allowed(request.user, "places.change_place", obj)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._may(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # places are referenced by every placed row

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        districts = _administered(request)
        if districts is None:
            return qs
        return qs.filter(**{f"{self.district_lookup}__in": sorted(districts)})

    # -- the form: code and parent on add, the name only afterwards ------------------------------

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.add_fields if obj is None else self.change_fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("kind_display",) if obj is None else self.change_readonly

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        refusal = getattr(request, "_gongzhi_refusal", None)
        if refusal is None:
            return form
        return type(form.__name__, (form,), {"refusal": refusal})

    @admin.display(description="类型")
    def kind_display(self, obj: Any) -> str:
        if obj is None or obj.pk is None:
            return self.kind_rule
        return str(obj.get_kind_display())

    kind_rule: ClassVar[str] = ""

    # -- saving: the services do it ---------------------------------------------------------------
    # District, Subdistrict and Community admins each name their create and rename service here. These are
    # plain methods, not abc abstract methods, because Django's admin metaclass cannot be mixed with
    # ABCMeta. A subclass that forgot one would fail loudly here rather than save around the services.

    def create(self, actor: Actor, data: dict[str, Any]) -> Model:
        raise NotImplementedError

    def rename(self, actor: Actor, obj: Any, name: str) -> Model:
        raise NotImplementedError

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        actor = _actor(request)
        try:
            if change:
                saved = self.rename(actor, obj, form.cleaned_data["name"])
            else:
                saved = self.create(actor, form.cleaned_data)
        except ApplicationError as exc:
            raise _ServiceRefused(exc) from exc
        _adopt(obj, saved)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except _ServiceRefused as refused:
            # The admin's transaction has rolled back (the service's write and the audit row with it).
            # Show the same form again with the refusal on it, as a field error where it names a field.
            request._gongzhi_refusal = refused.error  # type: ignore[attr-defined]
            return super().changeform_view(request, object_id, form_url, extra_context)


@admin.register(District)
class DistrictAdmin(PlaceAdmin):
    form = DistrictForm
    list_display = ("code", "name", "updated_at")
    search_fields = ("code", "name")
    district_lookup = "code"
    add_fields = ("code", "name")
    change_fields = ("code", "name")
    change_readonly = ("code",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)  # district_create: the system administrator only

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return () if obj is None else self.change_readonly

    def create(self, actor: Actor, data: dict[str, Any]) -> Model:
        return services.district_create(actor=actor, code=data["code"], name=data["name"])

    def rename(self, actor: Actor, obj: Any, name: str) -> Model:
        return services.district_rename(actor=actor, district_id=obj.pk, name=name)


@admin.register(Subdistrict)
class SubdistrictAdmin(PlaceAdmin):
    form = SubdistrictForm
    list_display = ("code", "name", "kind", "district")
    list_filter = ("kind", "district")
    search_fields = ("code", "name")
    list_select_related = ("district",)
    district_lookup = "district__code"
    add_fields = ("district", "code", "name", "kind_display")
    change_fields = ("district", "code", "kind_display", "name")
    change_readonly = ("district", "code", "kind_display")
    kind_rule = "由代码第7–9位判定：001–099 街道，100–199 镇，200–399 乡，400–599 其他乡级单位"

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        districts = _administered(request)
        if db_field.name == "district" and districts is not None:
            kwargs["queryset"] = District.objects.filter(code__in=sorted(districts))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def create(self, actor: Actor, data: dict[str, Any]) -> Model:
        return services.subdistrict_create(
            actor=actor, district=data["district"], code=data["code"], name=data["name"]
        )

    def rename(self, actor: Actor, obj: Any, name: str) -> Model:
        return services.subdistrict_rename(actor=actor, subdistrict_id=obj.pk, name=name)


@admin.register(Community)
class CommunityAdmin(PlaceAdmin):
    form = CommunityForm
    list_display = ("code", "name", "kind", "subdistrict", "has_boundary")
    list_filter = ("kind", "subdistrict__district")
    search_fields = ("code", "name")
    list_select_related = ("subdistrict",)
    district_lookup = "subdistrict__district__code"
    add_fields = ("subdistrict", "code", "name", "kind_display")
    change_fields = ("subdistrict", "code", "kind_display", "name", "has_boundary")
    change_readonly = ("subdistrict", "code", "kind_display", "has_boundary")
    kind_rule = "由代码后三位判定：001–199 居委会，200–399 村委会"

    @admin.display(description="有边界", boolean=True)
    def has_boundary(self, obj: Community) -> bool:
        return obj.boundary is not None

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        districts = _administered(request)
        if db_field.name == "subdistrict" and districts is not None:
            kwargs["queryset"] = Subdistrict.objects.filter(district__code__in=sorted(districts))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def create(self, actor: Actor, data: dict[str, Any]) -> Model:
        return services.community_create(
            actor=actor, subdistrict=data["subdistrict"], code=data["code"], name=data["name"]
        )

    def rename(self, actor: Actor, obj: Any, name: str) -> Model:
        return services.community_rename(actor=actor, community_id=obj.pk, name=name)


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
