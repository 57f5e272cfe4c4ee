import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tldr.settings")

app = Celery("tldr")

# All Celery settings live in Django settings with a CELERY_ prefix.
app.config_from_object("django.conf:settings", namespace="CELERY")

# Find tasks.py in every installed app.
app.autodiscover_tasks()
