"""Scheduled loyalty work, registered in core/jobs.py."""

import datetime as dt

from loyalty.services import loyalty_nightly


def loyalty_nightly_job(day: dt.date) -> dict:
    """DOMAIN §2/§10 nightly: FIFO points expiry, then tier recalculation; both set-based and idempotent."""
    return loyalty_nightly(day)
