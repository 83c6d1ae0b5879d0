from django.apps import AppConfig


class KpisConfig(AppConfig):
    name = "kpis"
    verbose_name = "数据看板"

    def ready(self):
        """Each measure's target is a store setting with the brief's number as default (DOMAIN §12)."""
        from core.policies import POLICIES, Policy
        from kpis.definitions import KPIS

        for kpi in KPIS:
            POLICIES.setdefault(
                kpi.target_policy, Policy(kpi.target_policy, float(kpi.target), f"指标目标：{kpi.label}（0 为不设目标）")
            )
