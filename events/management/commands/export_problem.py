"""python manage.py export_problem [--start DATE --end DATE] -o FILE.json"""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from events.exchange import catalogue_export
from scheduler.format import write_problem


class Command(BaseCommand):
    help = "Write the catalogue as a problem file (exchange format)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--start", type=dt.date.fromisoformat, help="first day, YYYY-MM-DD")
        parser.add_argument("--end", type=dt.date.fromisoformat, help="last day, YYYY-MM-DD")
        parser.add_argument("--name", help="the problem's name")
        parser.add_argument("-o", "--output", help="file to write; standard output when absent")

    def handle(self, *args, start, end, name, output, **options) -> None:
        if start and end and end < start:
            raise CommandError(f"--end {end} is before --start {start}.", returncode=2)
        problem = catalogue_export(start=start, end=end, name=name)
        text = json.dumps(write_problem(problem), ensure_ascii=False, indent=2) + "\n"
        if output:
            try:
                with open(output, "w", encoding="utf-8") as file:
                    file.write(text)
            except OSError as error:
                raise CommandError(
                    f"cannot write {output}: {error.strerror}", returncode=2
                ) from None
            self.stderr.write(f"Wrote {len(problem.events)} events to {output}")
        else:
            self.stdout.write(text, ending="")
