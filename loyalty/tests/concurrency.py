"""Run a service in several threads at once, as two clerks clicking together would."""

import threading
import time

from django.db import OperationalError, connection


def run_together(calls, *, expected: tuple[type[Exception], ...]) -> list[str]:
    """Start every call at the same instant; each outcome is "ok" or the expected error's class name.

    SQLite's in-memory test database (shared cache) answers "table is locked" at once where the file
    database of production waits out its busy timeout; the thread then retries, as that busy handler
    would. PostgreSQL needs no retry: select_for_update makes the second caller wait.
    """
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call):
        try:
            barrier.wait()
            for _ in range(200):
                try:
                    call()
                    outcomes.append("ok")
                    return
                except OperationalError as exc:
                    if "locked" not in str(exc):
                        raise
                    time.sleep(0.01)
            outcomes.append("gave up")
        except expected as exc:
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)
