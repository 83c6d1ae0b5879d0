from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "基础设置"

    def ready(self):
        from core import db  # noqa: F401  (connects the SQLite pragmas signal)
