"""The population register in the Django admin: read-only, masked values only.

Persons change through ``people.services`` (console, API, import), which check the scope and audit.
The admin never shows a ciphertext or a keyed hash, only the masked ID and phone numbers, and a
non-superuser sees only the persons of their own scope.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from gongzhi.core.admin import ReadOnlyAdmin
from gongzhi.core.scope import scope_of
from gongzhi.people.models import Person, PopulationImport


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = (
        "name",
        "gender",
        "relation",
        "residence_type",
        "id_number_masked",
        "phone_masked",
        "grid_code",
        "household",
        "updated_at",
    )
    list_filter = ("residence_type", "relation", "gender")
    search_fields = ("name", "name_initials", "grid_code")
    list_select_related = ("household",)
    show_full_result_count = False  # a count(*) over millions of rows on every page
    # Only these are shown; the encrypted columns, hashes and pinyin keys are left out on purpose.
    fields = (
        "name",
        "gender",
        "birth_date",
        "relation",
        "residence_type",
        "tags",
        "id_number_masked",
        "phone_masked",
        "household",
        "district_code",
        "subdistrict_code",
        "community_code",
        "grid_code",
        "user",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Person]:
        qs = super().get_queryset(request).defer("id_number_encrypted", "phone_encrypted")
        if request.user.is_superuser:
            return qs
        return qs.filter(scope_of(request.user).population_q())  # type: ignore[arg-type]


@admin.register(PopulationImport)
class PopulationImportAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "file_name",
        "actor",
        "status",
        "dry_run",
        "rows",
        "created",
        "updated",
        "unchanged",
        "households_created",
        "error_count",
    )
    list_filter = ("status", "dry_run")
    search_fields = ("file_name", "sha256")
    list_select_related = ("actor",)
    fields = (
        "created_at",
        "actor",
        "file_name",
        "sha256",
        "status",
        "dry_run",
        "rows",
        "created",
        "updated",
        "unchanged",
        "households_created",
        "error_count",
        "errors",
        "scope_codes",
        "district_code",
        "subdistrict_code",
        "community_code",
        "grid_code",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[PopulationImport]:
        qs = super().get_queryset(request).defer("error_rows")
        if request.user.is_superuser:
            return qs
        return qs.filter(scope_of(request.user).place_q())  # type: ignore[arg-type]
