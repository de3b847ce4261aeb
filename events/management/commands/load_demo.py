"""python manage.py load_demo: the Hefei demo catalogue, idempotently."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from events.management.commands.import_problem import import_or_exit
from venues.services import features_name

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


class Command(BaseCommand):
    help = "Load the feature vocabulary and the Hefei demo catalogue (safe to run again)."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        vocabulary = json.loads((FIXTURES / "features.json").read_text(encoding="utf-8"))
        features_name(names=vocabulary)
        self.stdout.write(f"Named {len(vocabulary)} features")
        # What staff signed, cancelled or published since the last load stays as it is.
        import_or_exit(self, str(FIXTURES / "hefei-demo.json"), keep_stored_lifecycle=True)
