from django.apps import AppConfig


class ShowroomConfig(AppConfig):
    name = "showroom"
    verbose_name = "展厅销售"
