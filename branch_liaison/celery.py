import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "branch_liaison.settings")

app = Celery("branch_liaison")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
