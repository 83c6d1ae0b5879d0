"""Structured logging for the production profile: one JSON object per line on stderr, personal data
redacted (core.logging.RedactPersonalData), for gunicorn, Django and Celery alike."""

import datetime as dt
import json
import logging
import logging.config
import os


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "pid": record.process,
        }
        if record.name == "gunicorn.access":  # already a JSON object (access_log_format): merge it
            try:
                entry.update(json.loads(entry.pop("msg")))
            except ValueError:
                entry["msg"] = record.getMessage()
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        for key in ("status", "method", "path", "duration_ms", "task_name", "task_id"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        return json.dumps(entry, ensure_ascii=False)


def config(level: str | None = None) -> dict:
    level = level or os.environ.get("LOG_LEVEL", "INFO")
    handler = {"class": "logging.StreamHandler", "formatter": "json", "filters": ["redact"]}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "filters": {"redact": {"()": "core.logging.RedactPersonalData"}},
        "handlers": {"json": handler},
        "root": {"handlers": ["json"], "level": level},
        "loggers": {
            "gunicorn.error": {"handlers": ["json"], "level": level, "propagate": False},
            "gunicorn.access": {"handlers": ["json"], "level": "INFO", "propagate": False},
            "django.request": {"handlers": ["json"], "level": "WARNING", "propagate": False},
            "celery": {"handlers": ["json"], "level": level, "propagate": False},
        },
    }


def configure(level: str | None = None) -> None:
    logging.config.dictConfig(config(level))
