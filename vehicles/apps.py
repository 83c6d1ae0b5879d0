from django.apps import AppConfig


class VehiclesConfig(AppConfig):
    name = "vehicles"
    verbose_name = "车辆档案"

    def ready(self):
        from auditlog.registry import auditlog

        from vehicles.models import OdometerReading, Ownership, Vehicle

        auditlog.register(Vehicle, exclude_fields=["updated_at", "vin_last6"])
        auditlog.register(Ownership)
        auditlog.register(OdometerReading)
