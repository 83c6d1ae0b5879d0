from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "leads"
    verbose_name = "售后线索"

    def ready(self):
        from leads.services import lead_task_outcome
        from tasks.hooks import register_outcome_handler

        register_outcome_handler("lead:", lead_task_outcome)
