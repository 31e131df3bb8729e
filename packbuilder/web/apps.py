from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "packbuilder.web"
    label = "web"
    verbose_name = "packbuilder"
