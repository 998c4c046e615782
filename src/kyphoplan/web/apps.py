from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "kyphoplan.web"
    label = "web"
