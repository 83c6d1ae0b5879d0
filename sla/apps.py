from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "sla"
    verbose_name = "服务时限"
