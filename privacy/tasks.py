"""Job entry points of the privacy module."""

import datetime as dt

from privacy.services import inbound_replies_redact, retention_anonymise


def retention_nightly(day: dt.date) -> dict:
    return {"anonymised": retention_anonymise(today=day), "replies_redacted": inbound_replies_redact(today=day)}
