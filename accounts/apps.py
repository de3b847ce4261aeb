from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Roles"

    def ready(self) -> None:
        from accounts.roles import role_groups_sync_after_migrate

        # After every migrate (and every test-database flush) the groups match ROLES again.
        post_migrate.connect(role_groups_sync_after_migrate, sender=self)
