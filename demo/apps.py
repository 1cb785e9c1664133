from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data and its command (`manage.py seed_demo`): installed last, above every app it
    fills; no app imports it."""

    name = "demo"
