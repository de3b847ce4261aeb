"""python manage.py import_problem FILE.json: upsert a problem file into the catalogue."""

from django.core.management.base import BaseCommand, CommandError

from events.exchange import catalogue_import
from scheduler.format import ProblemFormatError, load_problem


def import_or_exit(command: BaseCommand, path: str, *, keep_stored_lifecycle: bool = False) -> None:
    """Import ``path``; on any issue print one ``POINTER: reason`` line each and exit 2."""
    try:
        summary = catalogue_import(load_problem(path), keep_stored_lifecycle=keep_stored_lifecycle)
    except ProblemFormatError as error:
        for issue in error.issues:
            command.stderr.write(str(issue))
        raise CommandError(
            f"{path}: {len(error.issues)} issue(s); the catalogue is unchanged.", returncode=2
        ) from None
    command.stdout.write(f"Imported {path}: {summary}")


class Command(BaseCommand):
    help = "Import a problem file (exchange format) into the catalogue, all or nothing."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="problem JSON file")

    def handle(self, *args, file: str, **options) -> None:
        import_or_exit(self, file)
