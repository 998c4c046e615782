from django.apps import AppConfig


class PathwayConfig(AppConfig):
    name = "kyphoplan.pathway"
    label = "pathway"
    verbose_name = "Patient pathway (the one owner of a case's plan, reminders and status)"
