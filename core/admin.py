from django.contrib import admin

from core.models import StoreSetting


@admin.register(StoreSetting)
class StoreSettingAdmin(admin.ModelAdmin):
    list_display = ["store", "key", "value", "updated_at"]
    list_filter = ["store", "key"]
