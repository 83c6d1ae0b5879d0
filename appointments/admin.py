"""Resources admin (DOMAIN §5): bays, service types and technician profiles, edited by managers."""

from django.contrib import admin

from appointments.models import ServiceBay, ServiceType, TechnicianProfile


@admin.register(ServiceType)
class ServiceTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "store", "labour_minutes", "required_skill", "bay_kind", "is_active"]
    list_filter = ["store", "bay_kind", "required_skill", "is_active"]
    search_fields = ["name", "code"]


@admin.register(ServiceBay)
class ServiceBayAdmin(admin.ModelAdmin):
    list_display = ["name", "store", "kind", "is_active"]
    list_filter = ["store", "kind", "is_active"]


@admin.register(TechnicianProfile)
class TechnicianProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "store", "skills", "works_from", "works_until", "is_active"]
    list_filter = ["store", "is_active"]
    raw_id_fields = ["user"]
