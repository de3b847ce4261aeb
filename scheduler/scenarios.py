"""What-if scenarios: re-plan with changed requests, compare, publish only when chosen.

A scenario keeps its added and changed events as exchange-format dicts of its
own, and the codes of the catalogue events it withdraws, so the catalogue,
the published plan and the feeds stay exactly as they are while planners try
things. Its problem is the catalogue export for its range with those dicts
laid over it, the withdrawn events left out and, for every event the public
was shown, ``previous`` set to the published placement: the solver then pays
the change penalty for each move and starts from the published plan.

The differences against the published version are what the changelog would
say if the scenario were published (``next_snapshot`` + ``schedule_changes``,
the publishing code itself), plus targets and objective before and after.
Publishing a scenario adopts its changes into the catalogue, cancels its
withdrawn events, writes its plan and hands it to ``plan_publish``, all in
one transaction, and only while the solve is current: no version published
and no event of it changed in the catalogue since, since publishing writes
back the events as the solve saw them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import replace
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from accounts.roles import event_categories
from events.exchange import catalogue_export, catalogue_import, event_in_range
from events.models import Event as CatalogueEvent
from events.services import event_cancel
from scheduler.format import ProblemFormatError, read_problem, read_solution, write_problem
from scheduler.models import PublishedEvent, Scenario, ScheduleVersion, SolveRun
from scheduler.plans import plan_create_from_solution
from scheduler.pricing import plan_objective, target_results
from scheduler.problem import (
    CATEGORIES,
    Assignment,
    DateRange,
    Event,
    Name,
    Problem,
    RoomBlock,
    Solution,
    has_plan,
)
from scheduler.publishing import (
    FACT_NAMES,
    PublicFacts,
    PublishError,
    latest_version,
    next_snapshot,
    plan_publish,
    public_facts,
    schedule_changes,
)
from scheduler.services import (
    solve_run_create,
    solve_run_dispatch,
    solve_runs_fail_stale,
    solve_size_check,
)
from venues.models import Venue
from venues.services import venues_lock


class ScenarioError(ValidationError):
    """A scenario that cannot be created or solved as asked; the message says why."""


class ScenarioForbidden(PermissionDenied):
    """A scenario change the user's role may not make directly either: a 403, as that write.

    ``message_dict`` names the request's field and each change by its pointer
    (the API's error shape); ``reasons`` say the same without pointers, for a
    form that shows them next to its field.
    """

    def __init__(self, refusals: dict[str, list[tuple[str, str]]]) -> None:
        self.message_dict = {
            field: [f"{pointer}: {reason}" if pointer else reason for pointer, reason in found]
            for field, found in refusals.items()
        }
        self.reasons = [reason for found in refusals.values() for _pointer, reason in found]
        super().__init__("; ".join(m for found in self.message_dict.values() for m in found))


STALE_VERSION = "A newer version was published since this solve; solve again."


# --- the scenario's problem ----------------------------------------------------------


def _catalogue_dict(start: dt.date, end: dt.date, name: str) -> dict[str, Any]:
    return write_problem(catalogue_export(start=start, end=end, name=name))


def _ident(change: dict[str, Any]) -> str | None:
    """The change's id when it is a string, as every catalogue id is; the format names the rest."""
    ident = change.get("id")
    return ident if isinstance(ident, str) else None


def _merged(changes: list[dict[str, Any]], base_events: list[dict]) -> list[dict[str, Any]]:
    """Each change laid over the catalogue's event of the same id (or alone, when new)."""
    catalogue = {event["id"]: event for event in base_events}
    return [catalogue.get(_ident(change), {}) | change for change in changes]


def _taken_id_issues(changes: list[dict[str, Any]], base_events: list[dict]) -> list[str]:
    """An issue for each new event whose id a catalogue event outside the range already has.

    A change whose id the range's export lacks adds an event, and publishing
    imports it by id: under a cancelled event's id, or another year's, it
    would overwrite that event (its days, names, status) instead.
    """
    in_range = {event["id"] for event in base_events}
    new = {i: _ident(c) for i, c in enumerate(changes) if _ident(c) not in in_range}
    taken = set(CatalogueEvent.objects.filter(pk__in=new.values()).values_list("pk", flat=True))
    return [
        f"/events/{i}/id: '{ident}' is a catalogue event outside this scenario's range "
        "(or cancelled); give the new event an id of its own"
        for i, ident in new.items()
        if ident in taken
    ]


def _format_issues(base: dict[str, Any], events: list[dict[str, Any]]) -> list[str]:
    """The format's issues of each event read on its own, named by its own index."""
    issues: list[str] = []
    seen: set[str] = set()
    for index, event in enumerate(events):
        ident = event.get("id")
        if isinstance(ident, str) and ident in seen:
            issues.append(f"/events/{index}/id: '{ident}' is changed twice")
        seen.add(str(ident))
        try:
            read_problem(base | {"events": [event], "targets": []})
        except ProblemFormatError as error:
            issues.extend(
                str(issue).replace("/events/0", f"/events/{index}", 1) for issue in error.issues
            )
    return issues


def _events_only(problem: Problem, codes: Collection[str]) -> Problem:
    """The problem's events named by ``codes`` and nothing else, for ``catalogue_import``:
    the catalogue's venues, hotels, targets and rules are not the scenario's to write."""
    return Problem(
        horizon=problem.horizon,
        timezone=problem.timezone,
        events=tuple(event for event in problem.events if event.id in codes),
    )


def _catalogue_issues(base: dict[str, Any], events: list[dict[str, Any]]) -> list[str]:
    """What the catalogue's own checks say of ``events``: imported, then rolled back at once.

    Publishing writes them through ``catalogue_import``, so through
    ``events.validation`` (a window shorter than the event, a contract off its
    window or clashing with another, times out of order) and the columns'
    limits; trying that now refuses at creation what publishing would refuse
    only after a solve. Pointers are the events' indexes, as the planner gave them.
    """
    with transaction.atomic():
        try:
            problem = read_problem(base | {"events": events})
            catalogue_import(_events_only(problem, {event["id"] for event in events}))
        except ProblemFormatError as error:
            return [str(issue) for issue in error.issues]
        finally:
            transaction.set_rollback(True)
    return []


CONTRACT_KEYS = ("pinned", "pinned_venue", "pinned_start")
"""The format's keys of a contract: venue and first day, or one of them alone."""


def _contract_of(event: dict[str, Any]) -> tuple[Any, Any]:
    """The venue and first day an exchange-format event dict is contracted to (None: open)."""
    pinned = event.get("pinned")
    if isinstance(pinned, dict):
        return pinned.get("venue"), pinned.get("start")
    return event.get("pinned_venue"), event.get("pinned_start")


def _contract_issues(
    changes: list[dict[str, Any]], after: list[dict[str, Any]], before: list[dict[str, Any]]
) -> list[str]:
    """An issue for each change whose event the catalogue has confirmed when the event as
    it would be written (``after``) is contracted otherwise than the catalogue's (``before``).

    A contract is signed (``event_confirm``) and called off (``event_cancel``)
    by the event's lifecycle, never by publishing a scenario: imported with
    its contract gone, a confirmed event would silently go back to
    "requested". A change may repeat the contract as it is. Pointers are the
    changes' indexes and the contract key each gives.
    """
    confirmed = set(
        CatalogueEvent.objects.filter(
            pk__in=[_ident(change) for change in changes], status=CatalogueEvent.Status.CONFIRMED
        ).values_list("pk", flat=True)
    )
    written = {event["id"]: event for event in after}
    stored = {event["id"]: event for event in before}
    issues = []
    for index, change in enumerate(changes):
        ident = _ident(change)
        if ident not in confirmed or ident not in written or ident not in stored:
            continue
        if _contract_of(written[ident]) != _contract_of(stored[ident]):
            key = next((key for key in CONTRACT_KEYS if key in change), "pinned")
            reason = _(
                "'%(event)s' is a confirmed booking: a scenario may not change or remove its "
                "contract. Confirm or cancel the event directly instead."
            ) % {"event": ident}
            issues.append(f"/events/{index}/{key}: {reason}")
    return issues


def _change_refusals(user: Any, changes: Any) -> list[tuple[str, str]]:
    """(pointer, reason) of each change the user's role could not make directly.

    The category rule of direct writes (``accounts.roles.event_categories``):
    the catalogue event a change overrides must be of a category the user
    writes (a sports user may not rename an exhibition), and so must the
    category a change or a new event gives (nor make an exhibition a sports
    event, nor add one). What is not a list of dicts the format refuses.
    """
    if not isinstance(changes, list):
        return []
    allowed = event_categories(user)
    changes = [change if isinstance(change, dict) else {} for change in changes]
    idents = [ident for change in changes if (ident := _ident(change)) is not None]
    stored = dict(CatalogueEvent.objects.filter(pk__in=idents).values_list("pk", "category"))
    refusals = []
    for index, change in enumerate(changes):
        ident, given = _ident(change), change.get("category")
        own = stored.get(ident)
        if own is not None and own not in allowed:
            reason = _(
                "'%(event)s' is an event of the category '%(category)s', which your role may "
                "not write: not in a scenario either."
            ) % {"event": ident, "category": own}
            refusals.append((f"/events/{index}", reason))
        elif given in CATEGORIES and given not in allowed:
            reason = _(
                "Your role may not write events of the category '%(category)s': "
                "not in a scenario either."
            ) % {"category": given}
            refusals.append((f"/events/{index}/category", reason))
    return refusals


def _withdrawal_refusal(user: Any, event: str) -> str | None:
    """Why the user's role may not withdraw ``event`` (its category is not the user's); None
    when it may. Publishing cancels a withdrawn event, which its role could not do directly."""
    category = CatalogueEvent.objects.filter(pk=event).values_list("category", flat=True).first()
    if category is None or category in event_categories(user):
        return None
    return _(
        "'%(event)s' is an event of the category '%(category)s', which your role may not "
        "cancel: not in a scenario either."
    ) % {"event": event, "category": category}


def scenario_event_errors(changes: Any, *, start: dt.date, end: dt.date) -> dict[str, list[str]]:
    """``{"events": [...]}`` naming every problem of the changes by JSON pointer; {} when fine.

    Each change is read on its own in a problem with the catalogue's venues,
    so a pointer such as ``/events/2/window/end`` names the planner's own
    entry, not its place in the merged problem. Changes that read well must
    leave every confirmed event's contract as signed (``_contract_issues``),
    then meet the catalogue's checks, those publishing would apply.
    """
    if not isinstance(changes, list):
        return {"events": ["must be a list of event objects"]}
    not_objects = [i for i, change in enumerate(changes) if not isinstance(change, dict)]
    if not_objects:
        return {"events": [f"/events/{i}: must be an event object" for i in not_objects]}
    base = _catalogue_dict(start, end, "check")
    merged = _merged(changes, base["events"])
    issues = _format_issues(base, merged) + _taken_id_issues(changes, base["events"])
    if not issues:
        issues = _contract_issues(changes, merged, base["events"]) or _catalogue_issues(
            base, merged
        )
    return {"events": issues} if issues else {}


def published_placements(version: ScheduleVersion | None) -> dict[str, dict[str, str]]:
    """Venue and first day of every event the version shows, in the format's ``previous``."""
    if version is None:
        return {}
    return {
        pe.event_code: {"venue": pe.venue_code, "start": pe.start_date.isoformat()}
        for pe in version.events.filter(status=PublishedEvent.Status.CONFIRMED)
    }


def scenario_problem(*, scenario: Scenario) -> Problem:
    """The problem to solve: catalogue export, the scenario's events over it, its withdrawn
    events left out, ``previous`` set.

    Raises ``ScenarioError`` when the changes no longer read as a valid
    problem, or a new event's id has been taken by a catalogue event since
    (the catalogue may have changed since the scenario was made). A
    withdrawal wins over a change of the same event.
    """
    data = _catalogue_dict(
        scenario.horizon_start, scenario.horizon_end, f"Scenario: {scenario.name}"
    )
    if taken := _taken_id_issues(scenario.events, data["events"]):
        raise ScenarioError({"events": taken})
    events = {event["id"]: event for event in data["events"]}
    for event in _merged(scenario.events, data["events"]):
        events[event["id"]] = event
    for code in scenario.withdrawn:
        events.pop(code, None)
    venues = {venue["id"] for venue in data["venues"]}
    for code, placement in published_placements(scenario.base_version).items():
        event = events.get(code)
        if event is not None and not event.get("pinned") and placement["venue"] in venues:
            event["previous"] = placement
    try:
        return read_problem(data | {"events": list(events.values())})
    except ProblemFormatError as error:
        raise ScenarioError({"events": [str(issue) for issue in error.issues]}) from error


# --- writes ----------------------------------------------------------------------------


def _scenario_range(
    base: ScheduleVersion | None, start: dt.date | None, end: dt.date | None
) -> tuple[dt.date, dt.date]:
    """The scenario's days: as given, else the base version's plan's.

    Refused where its solve would refuse them, by the solve's own check
    (``solve_size_check``: in order, and no longer than a solve may cover).
    """
    if start is None or end is None:
        if base is None:
            raise ScenarioError({"start": ["give start and end: nothing is published yet"]})
        start, end = start or base.plan.horizon_start, end or base.plan.horizon_end
    try:
        solve_size_check(start=start, end=end)
    except ValidationError as error:
        raise ScenarioError(error.message_dict) from error
    return start, end


def scenario_create(
    *,
    name: str,
    events: list[dict[str, Any]],
    owner: AbstractBaseUser | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Scenario:
    """A new scenario on the latest published version; its range defaults to that plan's.

    The owner may change in it only what its role may change directly
    (``ScenarioForbidden`` otherwise; ``owner`` None: code of our own, no
    role to judge). Checked as its solve and its publication would check it
    (the range's size, each event by the format, the contracts, the
    catalogue), so a scenario that exists can be solved and published.
    """
    base = latest_version()
    start, end = _scenario_range(base, start, end)
    if owner is not None and (refusals := _change_refusals(owner, events)):
        raise ScenarioForbidden({"events": refusals})
    errors = scenario_event_errors(events, start=start, end=end)
    if errors:
        raise ScenarioError(errors)
    return Scenario.objects.create(
        name=name,
        base_version=base,
        horizon_start=start,
        horizon_end=end,
        events=events,
        owner=owner if owner is not None and owner.is_authenticated else None,
    )


def _refuse_changes(scenario: Scenario) -> None:
    """A ``ScenarioError`` while a solve of the scenario runs, and once it is published.

    A published scenario keeps the solve it was published from: solving or
    changing it again would lose which version it became. A run no process
    will finish is failed first (``solve_runs_fail_stale``) and its status read
    afresh, so a dead run never holds the scenario.
    """
    solve_runs_fail_stale()
    run = SolveRun.objects.filter(pk=scenario.solve_run_id).first()
    if run is not None and not run.is_finished:
        raise ScenarioError("This scenario is being solved already; wait for that run.")
    if run is not None and hasattr(run, "plan"):
        raise ScenarioError("This scenario is published; start a new one to try more changes.")


def _withdrawal_errors(*, scenario: Scenario, event: str) -> list[str]:
    """Why ``event`` cannot be withdrawn in the scenario; [] when it can.

    It must be a catalogue event of the scenario's range, not cancelled and
    not withdrawn already. A confirmed event may be withdrawn: "what if its
    contract breaks?" is a fair question; the differences say first that
    publishing cancels it (``event_cancel``, its contract kept on record).
    """
    if event in scenario.withdrawn:
        return [f"'{event}' is withdrawn in this scenario already."]
    row = CatalogueEvent.objects.filter(pk=event).first()
    if row is None:
        return [f"There is no event '{event}' in the catalogue."]
    if row.status == CatalogueEvent.Status.CANCELLED:
        return [f"'{event}' is cancelled in the catalogue already."]
    if not event_in_range(row, DateRange(scenario.horizon_start, scenario.horizon_end)):
        return [
            f"'{event}' is not in this scenario's range "
            f"{scenario.horizon_start} to {scenario.horizon_end}."
        ]
    return []


def scenario_withdraw(
    *, scenario: Scenario, event: str, user: AbstractBaseUser | None = None
) -> Scenario:
    """The scenario with ``event`` withdrawn (the organiser pulls out); solve it again to see.

    Publishing cancels a withdrawn event, so ``user`` must be one whose role
    may cancel it directly (``ScenarioForbidden`` otherwise; None: code of
    our own). Its previous solve no longer describes the scenario, so the
    scenario forgets that run: nothing stale can be shown as its differences
    or published.
    """
    with transaction.atomic():
        scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
        _refuse_changes(scenario)
        errors = _withdrawal_errors(scenario=scenario, event=event)
        if errors:
            raise ScenarioError({"event": errors})
        if user is not None and (refusal := _withdrawal_refusal(user, event)):
            raise ScenarioForbidden({"event": [("", refusal)]})
        scenario.withdrawn = [*scenario.withdrawn, event]
        scenario.solve_run = None
        scenario.save(update_fields=["withdrawn", "solve_run"])
    return scenario


def scenario_solve(
    *,
    scenario: Scenario,
    requested_by: AbstractBaseUser | None = None,
    time_limit_s: float | None = None,
    workers: int | None = None,
    seed: int = 0,
) -> SolveRun:
    """A queued solve run of the scenario, dispatched after commit.

    The scenario is rebased on the latest published version first, so the
    comparison is always with what the public sees now. One solve at a time.
    ``requested_by``'s role caps the time limit and workers (``solve_run_create``).
    A broker that cannot be reached raises ``SolveQueueUnavailable`` from the
    commit, the run failed already: the scenario may be solved again at once.
    """
    with transaction.atomic():
        scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
        _refuse_changes(scenario)
        scenario.base_version = latest_version()
        problem = scenario_problem(scenario=scenario)
        run = solve_run_create(
            start=scenario.horizon_start,
            end=scenario.horizon_end,
            time_limit_s=time_limit_s,
            workers=workers,
            seed=seed,
            requested_by=requested_by,
            problem=problem,
        )
        scenario.solve_run = run
        scenario.save(update_fields=["base_version", "solve_run"])
        solve_run_dispatch(run=run)
    return run


def _reason(words: str, scenario: Scenario) -> str:
    """``words`` and the scenario's name for the history, cut to what its reason column holds
    (a scenario's name may be longer)."""
    field = CatalogueEvent.history.model._meta.get_field("history_change_reason")
    return Truncator(f"{words} {scenario.name!r}").chars(field.max_length)


def _publishable_run(scenario: Scenario) -> SolveRun:
    """The scenario's run when it has a plan to publish; else a ``PublishError`` saying why."""
    run = scenario.solve_run
    if run is None or run.status != SolveRun.Status.SUCCEEDED:
        raise PublishError("Solve the scenario first; only a finished solve can be published.")
    if not has_plan(run.solver_status):
        raise PublishError(f"The scenario's solve found no plan (status {run.solver_status}).")
    return run


def _changed_since_solve(scenario: Scenario, run: SolveRun) -> list[str]:
    """Codes of the events the catalogue has changed since the scenario's solve.

    The run keeps the problem exactly as solved; built again now, on the
    same version, it differs only where the catalogue does: an event edited,
    confirmed, cancelled, held, or entering or leaving the range. A withdrawn
    event is not in the problem; its history says whether it changed since.
    """
    solved = {event["id"]: event for event in run.problem["events"]}
    rebuilt = write_problem(scenario_problem(scenario=scenario))
    now = {event["id"]: event for event in rebuilt["events"]}
    changed = {code for code in solved.keys() | now.keys() if solved.get(code) != now.get(code)}
    withdrawn = CatalogueEvent.history.filter(
        id__in=scenario.withdrawn, history_date__gte=run.created_at
    )
    return sorted(changed | set(withdrawn.values_list("id", flat=True)))


def _refuse_stale(scenario: Scenario, run: SolveRun) -> None:
    """A ``PublishError`` when the solve no longer describes what publishing would change.

    Another version published since makes its differences stale; an event
    the catalogue changed since would be undone, since publishing writes
    back the copies of the events the solve took (a contract signed
    meanwhile would lose its pin). Solving again takes both in.
    """
    if latest_version() != scenario.base_version:
        raise PublishError(STALE_VERSION)
    if changed := _changed_since_solve(scenario, run):
        message = (
            f"Changed in the catalogue since this scenario was solved: {', '.join(changed)}; "
            "solve it again."
        )
        raise PublishError({"events": [message]})


def _refuse_as_publisher(scenario: Scenario, user: AbstractBaseUser | None) -> None:
    """A ``ScenarioForbidden`` unless the publishing user's role may write every event the
    scenario changes or adds and cancel every one it withdraws, as directly.

    Publishing is the write: the category rule judged at creation and at
    each withdrawal was the owner's, and the publisher's may differ.
    ``user`` None: code of our own, no role to judge.
    """
    if user is None:
        return
    withdrawn = [
        (f"/withdrawn/{index}", reason)
        for index, code in enumerate(scenario.withdrawn)
        if (reason := _withdrawal_refusal(user, code))
    ]
    refusals = {"events": _change_refusals(user, scenario.events), "withdrawn": withdrawn}
    if any(refusals.values()):
        raise ScenarioForbidden({field: found for field, found in refusals.items() if found})


def _refuse_contract_changes(scenario: Scenario, problem: Problem) -> None:
    """A ``PublishError`` when importing the solved events would change or remove a contract
    of the catalogue as it is now (signed since the scenario was made, say)."""
    catalogue = _catalogue_dict(scenario.horizon_start, scenario.horizon_end, "check")
    solved = write_problem(problem)["events"]
    if issues := _contract_issues(scenario.events, solved, catalogue["events"]):
        raise PublishError({"events": issues})


def _adopt(scenario: Scenario, problem: Problem) -> None:
    """The scenario's changed and added events into the catalogue, as solved; its withdrawn
    events cancelled (a confirmed one keeps its contract on record)."""
    try:
        catalogue_import(_events_only(problem, {change["id"] for change in scenario.events}))
    except ProblemFormatError as error:
        raise PublishError([str(issue) for issue in error.issues]) from error
    withdrawn = CatalogueEvent.objects.filter(pk__in=scenario.withdrawn)
    for event in withdrawn.exclude(status=CatalogueEvent.Status.CANCELLED):
        event_cancel(event=event, reason=_reason("withdrawn in scenario", scenario))


def _lock_writes(problem: Problem, solution: Solution, withdrawn: Collection[str]) -> set[str]:
    """Lock the rows publishing writes and return the events' codes.

    The events, so none changes between the staleness check and the writes;
    first the venues their contracts fix and the plan places them in, which
    the catalogue's booking check and ``plan_publish`` lock as they save
    them: venues before events, each in id order, the order
    ``events.services.event_confirm`` and the holds keep, so a contract
    signed at the same moment waits instead of deadlocking.
    """
    venues_lock(
        [
            *(event.fixed_venue for event in problem.events),
            *(assignment.venue for assignment in solution.assignments),
        ]
    )
    codes = {event.id for event in problem.events} | set(withdrawn)
    list(CatalogueEvent.objects.select_for_update().filter(pk__in=codes).order_by("pk"))
    return codes


def _label_history(codes: Collection[str], *, since: dt.datetime, reason: str) -> None:
    """Give ``reason`` to the history rows of ``codes`` written since ``since`` without one.

    ``catalogue_import`` and ``plan_publish`` save events without a reason.
    Their rows are told apart by time, which is safe because the events were
    locked before ``since``: no other writer can have saved one since.
    """
    CatalogueEvent.history.filter(
        id__in=codes, history_date__gte=since, history_change_reason__isnull=True
    ).update(history_change_reason=reason)


@transaction.atomic
def scenario_publish(
    *, scenario: Scenario, comment: str = "", user: AbstractBaseUser | None = None
) -> ScheduleVersion:
    """The version publishing the scenario's plan; its changes enter the catalogue first.

    Its withdrawn events are cancelled in the catalogue, so the new version
    shows them cancelled (as for any event a plan drops) and no later solve
    places them again. The history rows it writes say "published from
    scenario ..." (or why else they were written).

    Refused when the run has no publishable plan; when the publishing
    user's role could not make the scenario's changes directly (403,
    ``_refuse_as_publisher``); when the solve is stale (``_refuse_stale``: a
    contract signed since asks for a new solve, which takes it in); and when
    it would change a contract the catalogue holds now
    (``_refuse_contract_changes``). The scenario's row is locked first, so
    two publishes of it at once make one version (publishing twice returns
    the same one), then what it writes (``_lock_writes``), so every check
    reads the rows as they will be written.
    """
    scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
    run = _publishable_run(scenario)
    if hasattr(run, "plan"):
        return plan_publish(plan=run.plan, comment=comment, user=user)
    problem, solution = read_problem(run.problem), read_solution(run.solution)
    codes = _lock_writes(problem, solution, scenario.withdrawn)
    _refuse_as_publisher(scenario, user)
    _refuse_stale(scenario, run)
    _refuse_contract_changes(scenario, problem)
    started = timezone.now()
    _adopt(scenario, problem)
    plan = plan_create_from_solution(run=run, solution=solution)
    version = plan_publish(plan=plan, comment=comment or scenario.name, user=user)
    base = scenario.base_version
    if version.number != (base.number if base else 0) + 1:
        # Another scenario's publication slipped in after the check: undo all of this one.
        raise PublishError(STALE_VERSION)
    _label_history(codes, since=started, reason=_reason("published from scenario", scenario))
    return version


# --- the differences -------------------------------------------------------------------


def _facts(
    event: Event, assignment: Assignment, venue: Venue, described: CatalogueEvent | None
) -> PublicFacts:
    """What the public would see of ``event`` placed as in ``assignment``."""
    return public_facts(
        event,
        venue,
        assignment.start,
        assignment.end,
        event_code=event.id,
        name=(event.name.zh or "", event.name.en or ""),
        description=(
            (described.description_zh, described.description_en) if described else ("", "")
        ),
    )


def published_assignments(version: ScheduleVersion | None, problem: Problem) -> list[Assignment]:
    """The published plan's placements of the problem's events, as solver assignments."""
    if version is None:
        return []
    known = {e.id for e in problem.events}
    return [
        Assignment(
            event=p.event_id,
            venue=p.venue_id,
            start=p.start,
            end=p.end,
            occupancy=DateRange(p.occupancy_start, p.occupancy_end),
            rooms=tuple(
                RoomBlock(b.hotel_id, b.rooms_per_night, b.first_night, b.last_night)
                for b in p.room_blocks.all()
            ),
        )
        for p in version.plan.placements.prefetch_related("room_blocks")
        if p.event_id in known
    ]


def _with_withdrawn(scenario: Scenario, problem: Problem) -> Problem:
    """``problem`` with the scenario's withdrawn events back in, as the catalogue has them.

    "Before" is counted and priced on it: the published plan still holds
    those events, so their value and the targets they meet show as lost.
    """
    missing = set(scenario.withdrawn) - {e.id for e in problem.events}
    if not missing:
        return problem
    catalogue = catalogue_export(start=scenario.horizon_start, end=scenario.horizon_end)
    return replace(
        problem, events=(*problem.events, *(e for e in catalogue.events if e.id in missing))
    )


def _dropped(changes: list[dict[str, Any]], withdrawn: list[str]) -> list[dict[str, Any]]:
    """The changelog's cancelled rows, each saying whether the scenario withdrew it and
    whether it is a confirmed booking (publishing then breaks its contract)."""
    confirmed = set(
        CatalogueEvent.objects.filter(
            pk__in=[row["event"] for row in changes], status=CatalogueEvent.Status.CONFIRMED
        ).values_list("pk", flat=True)
    )
    return [
        row | {"withdrawn": row["event"] in withdrawn, "confirmed": row["event"] in confirmed}
        for row in changes
    ]


def _public_changes(
    scenario: Scenario, problem: Problem, assignments: tuple[Assignment, ...]
) -> dict[str, list[dict[str, Any]]]:
    """What the changelog would say if the scenario's assignments were published now."""
    version = scenario.base_version
    previous = {pe.event_code: pe for pe in version.events.all()} if version else {}
    venues = Venue.objects.in_bulk({a.venue for a in assignments})
    described = CatalogueEvent.objects.in_bulk({a.event for a in assignments})
    current = {
        a.event: _facts(problem.event(a.event), a, venues[a.venue], described.get(a.event))
        for a in assignments
    }
    cancelled = set(
        CatalogueEvent.objects.filter(
            pk__in=previous, status=CatalogueEvent.Status.CANCELLED
        ).values_list("pk", flat=True)
    )
    rows = next_snapshot(
        previous=previous,
        current=current,
        horizon=problem.horizon,
        # Publishing cancels the withdrawn events in the catalogue first.
        cancelled_in_catalogue=cancelled | set(scenario.withdrawn),
        now=timezone.now(),
    )
    return schedule_changes(
        ({name: getattr(pe, name) for name in (*FACT_NAMES, "status")} for pe in previous.values()),
        rows,
    )


def _reader_lang() -> str:
    """The language to read names in, the request's or the page's: "en", else "zh"."""
    return "en" if (translation.get_language() or "").startswith("en") else "zh"


def _stored_contract(row: CatalogueEvent) -> tuple[str | None, dt.date | None]:
    """The catalogue event's contract: what it signed while confirmed, else none."""
    if row.status != CatalogueEvent.Status.CONFIRMED:
        return None, None
    return row.pinned_venue_id, row.pinned_start


def _contract_words(contract: tuple[str | None, dt.date | None], venues: dict[str, str]) -> str:
    """A contract as a person reads it: the venue by its name, the first day, what is open."""
    venue, start = contract
    if venue is not None and start is not None:
        return _("%(venue)s from %(start)s") % {"venue": venues.get(venue, venue), "start": start}
    if venue is not None:
        return _("%(venue)s, days to be set") % {"venue": venues.get(venue, venue)}
    return _("from %(start)s, venue to be set") % {"start": start}


def _placement_dict(contract: tuple[str | None, dt.date | None]) -> dict[str, str | None] | None:
    venue, start = contract
    if venue is None and start is None:
        return None
    return {"venue": venue, "start": start.isoformat() if start else None}


def _contract_change(
    label: str,
    old: tuple[str | None, dt.date | None],
    new: tuple[str | None, dt.date | None],
    venues: dict[str, str],
) -> str:
    """The sentence for a contract publishing would sign, change or remove."""
    words = {"event": label, "old": _contract_words(old, venues)}
    if new != (None, None):
        words["new"] = _contract_words(new, venues)
    if old == (None, None):
        return _("Publishing signs a contract for %(event)s: %(new)s.") % words
    if new == (None, None):
        return (
            _(
                "Publishing removes the contract of %(event)s (%(old)s): it is no longer a "
                "confirmed booking."
            )
            % words
        )
    return _("Publishing changes the contract of %(event)s from %(old)s to %(new)s.") % words


EFFECT_KINDS = ("contract", "cancelled", "added", "renamed", "category")
"""The kinds of ``catalogue_changes``, in the order they are listed: what cannot be undone
first."""


def _event_effects(
    event: Event, row: CatalogueEvent | None, label: str, venues: dict[str, str]
) -> list[dict[str, Any]]:
    """What importing ``event`` over the catalogue's ``row`` (None: a new event) changes that
    the placements do not show: its contract, that it is new, its name, its category."""
    effects = []
    old = _stored_contract(row) if row is not None else (None, None)
    new = (event.fixed_venue, event.fixed_start)
    if old != new:
        effects.append(
            {
                "kind": "contract",
                "old": _placement_dict(old),
                "new": _placement_dict(new),
                "text": _contract_change(label, old, new, venues),
            }
        )
    if row is None:
        text = _("Publishing adds a new event to the catalogue: %(event)s.") % {"event": label}
        return [*effects, {"kind": "added", "text": text}]
    old_name, new_name = (row.name_zh, row.name_en), (event.name.zh or "", event.name.en or "")
    if old_name != new_name:
        text = _("Publishing renames %(event)s to “%(name)s”.") % {
            "event": label,
            "name": event.name.text(_reader_lang()),
        }
        names = [dict(zip(("zh", "en"), name, strict=True)) for name in (old_name, new_name)]
        effects.append({"kind": "renamed", "old": names[0], "new": names[1], "text": text})
    if row.category != event.category:
        text = _("Publishing moves %(event)s from the category '%(old)s' to '%(new)s'.") % {
            "event": label,
            "old": row.category,
            "new": event.category,
        }
        effects.append(
            {"kind": "category", "old": row.category, "new": event.category, "text": text}
        )
    return effects


def _cancellation(row: CatalogueEvent, label: str, venues: dict[str, str]) -> dict[str, Any]:
    """Publishing cancels the withdrawn ``row``: a confirmed one's contract is broken."""
    confirmed = row.status == CatalogueEvent.Status.CONFIRMED
    if confirmed:
        text = _(
            "Publishing cancels %(event)s, a confirmed booking: its contract (%(contract)s) "
            "is broken and stays on record."
        ) % {"event": label, "contract": _contract_words(_stored_contract(row), venues)}
    else:
        text = _("Publishing cancels %(event)s: withdrawn in this scenario.") % {"event": label}
    return {"kind": "cancelled", "confirmed": confirmed, "text": text}


def catalogue_changes(scenario: Scenario, problem: Problem) -> list[dict[str, Any]]:
    """What publishing the scenario would do to the catalogue's events, each with a sentence
    in the active language (``text``): contracts signed, changed or removed, events
    cancelled, added, renamed, given another category, in ``EFFECT_KINDS`` order.

    The placements say where events go; this says what they cannot: a
    contract touched, an event called off, a request that appears.
    ``problem`` is the scenario's as solved, what publishing imports.
    """
    lang = _reader_lang()
    solved = {event.id: event for event in problem.events}
    changed = [change["id"] for change in scenario.events if change["id"] in solved]
    rows = CatalogueEvent.objects.in_bulk([*changed, *scenario.withdrawn])
    used = {row.pinned_venue_id for row in rows.values()} | {
        solved[code].fixed_venue for code in changed
    }
    venues = {
        v.pk: Name(v.name_zh or None, v.name_en or None).text(lang) or v.pk
        for v in Venue.objects.filter(pk__in=used - {None})
    }

    def label(code: str) -> str:
        row = rows.get(code)
        name = Name(row.name_zh or None, row.name_en or None) if row else solved[code].name
        return f"{name.text(lang) or code} ({code})"

    effects = [
        {"event": code, **effect}
        for code in changed
        for effect in _event_effects(solved[code], rows.get(code), label(code), venues)
    ]
    effects += [
        {"event": code, **_cancellation(rows[code], label(code), venues)}
        for code in scenario.withdrawn
        if code in rows and rows[code].status != CatalogueEvent.Status.CANCELLED
    ]
    return sorted(effects, key=lambda effect: EFFECT_KINDS.index(effect["kind"]))


def scenario_diff(*, scenario: Scenario) -> dict[str, Any] | None:
    """What publishing would do to the catalogue first (``catalogue_changes``, in words),
    then moved, added, dropped and changed events, targets and objective, before and after.

    None until the scenario's latest solve has succeeded. "Before" is the
    published version: its events, and its plan priced on the scenario's
    problem (same weights and targets, withdrawn events still in), so the
    two objectives compare.
    """
    run = scenario.solve_run
    if run is None or run.status != SolveRun.Status.SUCCEEDED or not run.solution:
        return None
    problem = read_problem(run.problem)
    solution: Solution = read_solution(run.solution)
    version = scenario.base_version
    planned = has_plan(solution.status)
    changes = _public_changes(scenario, problem, solution.assignments if planned else ())
    problem_before = _with_withdrawn(scenario, problem)
    before = published_assignments(version, problem_before)
    targets_before = target_results(problem_before, before)
    return {
        "catalogue_changes": catalogue_changes(scenario, problem),
        "base_version": version.number if version else None,
        "solver_status": solution.status,
        "added": changes["added"],
        "moved": changes["moved"],
        "dropped": _dropped(changes["cancelled"], scenario.withdrawn),
        "changed": changes["changed"],
        "unplaced": [{"event": u.event, "reason": u.reason} for u in solution.unplaced],
        "targets": [
            {
                "year": after.year,
                "category": after.category,
                "international": after.international,
                "min_count": after.min_count,
                "before": old.achieved,
                "after": after.achieved,
                "met_before": old.met,
                "met_after": after.met,
            }
            for old, after in zip(targets_before, solution.targets, strict=True)
        ],
        "objective": {
            "before": plan_objective(problem_before, before, targets_before) if version else None,
            "after": solution.objective,
        },
        "diagnosis": list(solution.diagnosis),
    }
