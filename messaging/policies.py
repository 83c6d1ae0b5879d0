"""The outbox's configurable numbers (DOMAIN §4: quiet hours and contact frequency caps per store).

The brief makes every number a per-store setting. Until these entries live in core/policies.py
(where managers override them per store), their defaults are here; `store_policy` prefers the core
entry as soon as it exists, so moving them there needs no change in this app.
"""

from core.policies import POLICIES, Policy, policy_value

MESSAGING_POLICIES = {
    p.key: p
    for p in [
        Policy("messaging.quiet_hours_start", 21, "免打扰开始时间（点，0–23），期间消息延后到结束时发送"),
        Policy("messaging.quiet_hours_end", 8, "免打扰结束时间（点，0–23）"),
        Policy("messaging.marketing_cap", 4, "每位客户营销消息频次上限（条）"),
        Policy("messaging.marketing_cap_days", 7, "营销消息频次统计周期（天）"),
    ]
}


def store_policy(store_id: int | None, key: str):
    """The store's value for a messaging number: core's per-store setting if registered, else our default."""
    if key in POLICIES:
        return policy_value(store_id, key)
    return MESSAGING_POLICIES[key].default


class StorePolicies:
    """Memo of store policies for one drain batch: one lookup per (store, key), not per message."""

    def __init__(self):
        self._values: dict[tuple[int, str], int] = {}

    def get(self, store_id: int, key: str):
        if (store_id, key) not in self._values:
            self._values[store_id, key] = store_policy(store_id, key)
        return self._values[store_id, key]
