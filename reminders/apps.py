from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = "提醒与关怀"

    def ready(self):
        from reminders.services import reminder_task_outcome
        from tasks.hooks import register_outcome_handler

        register_outcome_handler("reminder:", reminder_task_outcome)
