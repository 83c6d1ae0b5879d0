from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "appointments"
    verbose_name = "预约"

    def ready(self):
        from appointments.links import self_booking_link
        from messaging.rendering import register_send_time_variable

        # Reminders and other notices can carry "book online" (DOMAIN §5): {booking_link} in a template.
        register_send_time_variable(
            "booking_link", "在线自助预约链接（自动填写）", lambda message: self_booking_link(message.customer)
        )
