from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = "客户档案"

    def ready(self):
        from auditlog.registry import auditlog

        from customers.models import Consent, Customer, CustomerMobile

        personal = ["mobile", "number", "id_number", "address"]
        auditlog.register(Customer, exclude_fields=["updated_at", "name_pinyin", "name_initials"], mask_fields=personal)
        auditlog.register(CustomerMobile, mask_fields=personal)
        auditlog.register(Consent)
