from django.contrib import admin

from sla.models import StoreHours


@admin.register(StoreHours)
class StoreHoursAdmin(admin.ModelAdmin):
    list_display = ["store", "weekday", "opens_at", "closes_at"]
    list_filter = ["store"]
