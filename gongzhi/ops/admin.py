from django.contrib import admin

from gongzhi.core.permissions import allowed
from gongzhi.ops.models import BackupRecord


@admin.register(BackupRecord)
class BackupRecordAdmin(admin.ModelAdmin):
    """Read-only: records are written by the backup and restore commands only."""

    list_display = ("created_at", "kind", "archive", "engine", "tables", "rows", "media_files", "ok")
    list_filter = ("kind", "ok")
    readonly_fields = [f.name for f in BackupRecord._meta.fields]

    def has_module_permission(self, request):
        return allowed(request.user, "ops.view_backuprecord")

    def has_view_permission(self, request, obj=None):
        return allowed(request.user, "ops.view_backuprecord")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
