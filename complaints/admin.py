from django.contrib import admin

from complaints.models import Complaint, ContactRequest, RedAlert, RedAlertKeyword


@admin.register(RedAlertKeyword)
class RedAlertKeywordAdmin(admin.ModelAdmin):
    """Managers keep the red-alert word list (DOMAIN §9: a configurable list)."""

    list_display = ["word", "flag", "store", "is_active"]
    list_filter = ["is_active", "flag", "store"]
    search_fields = ["word"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Complaints, requests and alerts change only through their services (timeline, clocks)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ["id", "store", "title", "category", "tier", "status", "opened_at", "earliest_deadline_at"]
    list_filter = ["store", "status", "tier", "category"]


@admin.register(ContactRequest)
class ContactRequestAdmin(ReadOnlyAdmin):
    list_display = ["id", "store", "channel", "status", "received_at", "respond_due_at", "responded_at"]
    list_filter = ["store", "channel", "status"]


@admin.register(RedAlert)
class RedAlertAdmin(ReadOnlyAdmin):
    list_display = ["raised_at", "store", "source", "acknowledged_at"]
    list_filter = ["store"]
