from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "onevisit.demo"
    label = "demo"
    verbose_name = "Demo province"
