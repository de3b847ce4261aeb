"""`manage.py solve --start DATE --end DATE [--publish --comment TEXT]`: solve in this process."""

import datetime as dt
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from scheduler.cli import progress_line
from scheduler.models import Plan, SolveRun
from scheduler.publishing import plan_publish
from scheduler.services import solve_run_create, solve_run_execute


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {text!r}", returncode=2) from None


class Command(BaseCommand):
    help = "Solve the catalogue for a date range and store the plan, showing live progress."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--start", required=True, type=str, help="first day, YYYY-MM-DD")
        parser.add_argument("--end", required=True, type=str, help="last day, YYYY-MM-DD")
        parser.add_argument("--time-limit", type=float, default=None, help="seconds")
        parser.add_argument("--workers", type=int, default=None)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument(
            "--publish", action="store_true", help="publish the plan as the next schedule version"
        )
        parser.add_argument("--comment", default="", help="comment of the published version")

    def handle(self, *args, **options) -> None:
        start, end = iso_date(options["start"]), iso_date(options["end"])
        if end < start:
            raise CommandError("--end: must not be before --start", returncode=2)
        run = solve_run_create(
            start=start,
            end=end,
            time_limit_s=options["time_limit"],
            workers=options["workers"],
            seed=options["seed"],
        )
        run = solve_run_execute(run_id=run.pk, on_progress=self._echo)
        self.stderr.write("")
        if run.status == SolveRun.Status.FAILED:
            raise CommandError(f"solve failed: {run.error}")
        self._report(run)
        if options["publish"]:
            self._publish(run, options["comment"])

    def _publish(self, run: SolveRun, comment: str) -> None:
        plan = Plan.objects.filter(solve_run=run).first()
        if plan is None:
            raise CommandError("--publish: the run produced no plan")
        try:
            version = plan_publish(plan=plan, comment=comment)
        except ValidationError as error:
            raise CommandError(f"--publish: {' '.join(error.messages)}") from None
        self.stdout.write(f"published as schedule version {version.number}")

    def _echo(self, progress) -> None:
        end = "\r" if sys.stderr.isatty() else "\n"
        self.stderr.write(progress_line(progress), ending=end)
        self.stderr.flush()

    def _report(self, run: SolveRun) -> None:
        placed = len(run.solution.get("assignments", []))
        self.stdout.write(
            f"{run.solver_status}: {placed} events placed, objective {run.objective}, "
            f"targets {'met' if run.targets_met else 'NOT met'} (run {run.pk})"
        )
        for line in run.diagnosis:
            self.stdout.write(f"  - {line}")
