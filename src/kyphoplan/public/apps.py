from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "kyphoplan.public"
    label = "public"
