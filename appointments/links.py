"""Signed links for the customer self-booking page (DOMAIN §5): sent in confirmations and reminders,
they identify the customer without a staff login and expire after the store's link lifetime."""

from django.core import signing

from core.policies import policy_value

SELF_BOOKING_SALT = "appointments.self_booking"


def self_booking_token(customer) -> str:
    return signing.TimestampSigner(salt=SELF_BOOKING_SALT).sign(f"{customer.store_id}:{customer.pk}")


def self_booking_link(customer) -> str:
    base = str(policy_value(customer.store_id, "appointments.link_base_url")).rstrip("/")
    return f"{base}/book/s/{self_booking_token(customer)}/"


def customer_for_token(token: str):
    """The customer a link stands for, or None when it is forged, expired or the customer is gone."""
    from customers.models import Customer

    signer = signing.TimestampSigner(salt=SELF_BOOKING_SALT)
    try:
        store_id, customer_id = (int(part) for part in signer.unsign(token).split(":"))
    except (signing.BadSignature, ValueError):
        return None
    days = policy_value(store_id, "appointments.link_valid_days")
    try:
        signer.unsign(token, max_age=days * 86400)
    except signing.SignatureExpired:
        return None
    return Customer.objects.filter(pk=customer_id, store_id=store_id, erased_at__isnull=True).first()
