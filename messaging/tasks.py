"""Job entry points for the scheduler."""

from messaging.services import outbox_drain


def outbox_drain_job(now=None) -> int:
    """Send the due outbox messages (DOMAIN §4); safe to run from several workers at once."""
    return outbox_drain(now=now)
