"""On PostgreSQL, the database itself refuses two confirmed events clashing in a venue.

An event's occupancy is its pinned first day minus the move-in days to its last
public day plus the move-out days. Two confirmed events whose occupancies
overlap in one venue may not be there together when either is exclusive:

- ``event_confirmed_exclusive_alone``: two exclusive ones;
- ``event_confirmed_beside_exclusive``: an exclusive one and a shared one
  (``exclusive`` differs), the venue equality through btree_gist.

Shared events' floor area is checked under the venue's row lock in
``events.services.event_confirm``; SQLite has no exclusion constraints, so
this migration does nothing there and the model state does not carry them
(``makemigrations`` stays quiet on both databases).
"""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

OCCUPANCY = (
    "daterange(pinned_start - setup_days, pinned_start + duration_days + teardown_days, '[)')"
)
CONSTRAINTS = {
    "event_confirmed_exclusive_alone": (
        f"pinned_venue_id WITH =, ({OCCUPANCY}) WITH &&",
        "status = 'confirmed' AND exclusive",
    ),
    "event_confirmed_beside_exclusive": (
        f"pinned_venue_id WITH =, ({OCCUPANCY}) WITH &&, (exclusive::integer) WITH <>",
        "status = 'confirmed'",
    ),
}


class PostgresOnlySQL(migrations.RunSQL):
    """Raw SQL that runs on PostgreSQL and is skipped on any other database."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):

    dependencies = [
        ("events", "0003_hotel_need_rooms_not_null"),
    ]

    operations = [
        BtreeGistExtension(),
        *(
            PostgresOnlySQL(
                sql=f"ALTER TABLE events_event ADD CONSTRAINT {name} "
                f"EXCLUDE USING gist ({columns}) WHERE ({condition})",
                reverse_sql=f"ALTER TABLE events_event DROP CONSTRAINT {name}",
            )
            for name, (columns, condition) in CONSTRAINTS.items()
        ),
    ]
