from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from accounts.models import DealerGroup, Department, Store, User


@admin.register(User)
class StaffAdmin(UserAdmin):
    list_display = ["username", "display_name", "role", "dealer_group", "is_active"]
    list_filter = ["role", "stores", "is_active"]
    fieldsets = UserAdmin.fieldsets + (
        ("门店与角色", {"fields": ("display_name", "role", "dealer_group", "stores", "department")}),
    )


admin.site.register(DealerGroup)
admin.site.register(Store, list_display=["code", "name", "group", "city"])
admin.site.register(Department, list_display=["store", "kind"])
