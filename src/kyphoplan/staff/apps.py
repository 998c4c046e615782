from django.apps import AppConfig
from django.db.models.signals import post_migrate


class StaffConfig(AppConfig):
    name = "kyphoplan.staff"
    label = "staff"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kyphoplan.staff.roles import ensure_roles_after_migrate

        # Permissions exist only after every app has migrated, so roles are set up then.
        post_migrate.connect(ensure_roles_after_migrate, dispatch_uid="kyphoplan.staff.roles")
