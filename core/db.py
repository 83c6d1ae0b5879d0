"""Database helpers shared by every app: bulk loading and planner statistics."""

from collections.abc import Iterable, Sequence

from django.db import connection


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def bulk_insert(table: str, columns: Sequence[str], rows: Iterable[Sequence], *, batch: int = 20_000) -> int:
    """Insert many rows fast: COPY on PostgreSQL, executemany in big batches on SQLite.

    Bypasses the ORM on purpose (PERFORMANCE.md: ORM bulk_create is ~6x slower than COPY);
    callers give explicit primary keys and call reset_sequences() afterwards on PostgreSQL.
    """
    qn = connection.ops.quote_name
    column_sql = ", ".join(qn(c) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if is_postgres():
            with cursor.cursor.copy(f"COPY {qn(table)} ({column_sql}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {qn(table)} ({column_sql}) VALUES ({placeholders})"  # names from model meta, values bound  # nosec B608
        chunk: list[Sequence] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= batch:
                cursor.executemany(sql, chunk)
                count += len(chunk)
                chunk = []
        if chunk:
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count


def next_id(model) -> int:
    """The first free primary key of a table, for bulk loads that assign ids themselves."""
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def reset_sequences(*models) -> None:
    """After inserting explicit ids on PostgreSQL, move each id sequence past the largest id."""
    if not is_postgres():
        return
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def analyze() -> None:
    """Refresh planner statistics after a bulk load (PERFORMANCE.md: 150x slower searches without)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
