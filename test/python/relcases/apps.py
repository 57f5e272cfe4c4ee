from django.apps import AppConfig


class RelcasesConfig(AppConfig):
    name = "relcases"
    default_auto_field = "django.db.models.BigAutoField"
