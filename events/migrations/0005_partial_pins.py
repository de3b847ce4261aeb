"""Partial pins: a contract may fix the venue, the first day, or both.

A confirmed event needs at least one of ``pinned_venue`` and ``pinned_start``;
either implies confirmed or cancelled. On PostgreSQL the exclusion
constraints of 0004 are limited to contracts that fix the first day too: a
contract without one has no known occupancy (``daterange(NULL, NULL)`` would
be the whole calendar and clash with every other contract in its venue).
"""

import importlib

from django.db import migrations, models

exclusion = importlib.import_module("events.migrations.0004_confirmed_occupancy_exclusion")


def exclusion_sql(name: str, columns: str, condition: str) -> list[str]:
    return [
        f"ALTER TABLE events_event DROP CONSTRAINT {name}",
        f"ALTER TABLE events_event ADD CONSTRAINT {name} "
        f"EXCLUDE USING gist ({columns}) WHERE ({condition})",
    ]


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0004_confirmed_occupancy_exclusion'),
        ('venues', '0002_kind_and_category_values'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='event',
            name='event_pinned_complete',
        ),
        migrations.RemoveConstraint(
            model_name='event',
            name='event_confirmed_is_pinned',
        ),
        migrations.RemoveConstraint(
            model_name='event',
            name='event_pinned_is_confirmed',
        ),
        migrations.AddConstraint(
            model_name='event',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'confirmed'), _negated=True), ('pinned_venue__isnull', False), ('pinned_start__isnull', False), _connector='OR'), name='event_confirmed_is_pinned'),
        ),
        migrations.AddConstraint(
            model_name='event',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['confirmed', 'cancelled']), models.Q(('pinned_start__isnull', True), ('pinned_venue__isnull', True)), _connector='OR'), name='event_pinned_is_confirmed'),
        ),
        *(
            exclusion.PostgresOnlySQL(
                sql=exclusion_sql(name, columns, f"{condition} AND pinned_start IS NOT NULL"),
                reverse_sql=exclusion_sql(name, columns, condition),
            )
            for name, (columns, condition) in exclusion.CONSTRAINTS.items()
        ),
    ]
