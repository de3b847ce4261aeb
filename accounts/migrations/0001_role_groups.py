"""The role groups (convention, sports, planner) with their model permissions."""

from django.db import migrations


def role_groups_create(apps, schema_editor):
    from accounts.roles import permissions_create, role_groups_sync

    permissions_create(apps=apps)
    role_groups_sync(apps=apps)


def role_groups_delete(apps, schema_editor):
    from accounts.roles import ROLES

    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("venues", "0002_kind_and_category_values"),
        ("events", "0003_hotel_need_rooms_not_null"),
        ("bookings", "0001_initial"),
        ("scheduler", "0002_scenario"),
    ]

    operations = [migrations.RunPython(role_groups_create, role_groups_delete)]
