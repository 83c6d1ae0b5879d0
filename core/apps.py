from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "基础设置"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from core.middleware import session_touched_at_login

        post_migrate.connect(_refresh_sqlite_statistics, sender=self)
        user_logged_in.connect(session_touched_at_login)


def _refresh_sqlite_statistics(using="default", **kwargs):
    """A migration that rebuilds a big SQLite table drops its planner statistics (measured:
    searches then pick worse indexes); PostgreSQL's autovacuum re-analyses by itself."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
