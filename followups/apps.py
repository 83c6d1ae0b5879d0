from django.apps import AppConfig


class FollowupsConfig(AppConfig):
    name = "followups"
    verbose_name = "回访与调查"

    def ready(self):
        from followups.services import follow_up_task_outcome
        from tasks.hooks import register_outcome_handler

        register_outcome_handler("follow_up:", follow_up_task_outcome)
