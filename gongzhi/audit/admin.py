from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from gongzhi.audit.enums import EVENT_LABELS
from gongzhi.audit.models import AuditEvent


class EventTypeFilter(admin.SimpleListFilter):
    title = _("事件类型")
    parameter_name = "event_type"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(k, str(v)) for k, v in sorted(EVENT_LABELS.items())]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        return queryset.filter(event_type=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit trail is evidence: it can be read here, never added to, changed or deleted."""

    list_display = (
        "created_at",
        "event_label",
        "actor_label",
        "target_type",
        "target_label",
        "community_code",
    )
    list_filter = (EventTypeFilter, "target_type")
    search_fields = ("actor_label", "target_label", "target_id", "event_type", "community_code", "grid_code")
    date_hierarchy = "created_at"
    list_select_related = ("actor",)
    show_full_result_count = False  # no COUNT(*) over the whole trail on every page
    readonly_fields = (
        "created_at",
        "event_type",
        "event_label",
        "actor",
        "actor_label",
        "target_type",
        "target_id",
        "target_label",
        "district_code",
        "subdistrict_code",
        "community_code",
        "grid_code",
        "data",
    )
    fields = readonly_fields

    @admin.display(description=_("事件"), ordering="event_type")
    def event_label(self, obj: AuditEvent) -> str:
        return str(EVENT_LABELS.get(obj.event_type, obj.event_type))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
