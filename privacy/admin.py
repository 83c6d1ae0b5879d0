from django.contrib import admin

from privacy.models import AccessLog, DataSubjectRequest


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Read-only: the access log cannot be edited or deleted through the application."""

    list_display = ["at", "actor", "action", "field", "customer_id", "reason", "ip_address"]
    list_filter = ["action", "store"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DataSubjectRequest)
class DataSubjectRequestAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "customer_id", "status", "due_on", "requested_by", "decided_by"]
    list_filter = ["status", "kind", "store"]
    readonly_fields = [f.name for f in DataSubjectRequest._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
