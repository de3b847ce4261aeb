"""Mixed traffic against gunicorn and PostgreSQL on 127.0.0.1: throughput, latency, errors.

Run ``python -m benchmarks.load`` (``--help`` for the knobs). It makes a
scratch PostgreSQL database (``--database-url``, loopback only), loads the
Hefei demo catalogue, solves and publishes 2026, starts gunicorn on
127.0.0.1 (the start-up helper of ``benchmarks.feeds``) and for
``--duration`` seconds per scenario sends, from ``--connections`` client
threads, a seeded mix of:

- feed reads (all, per category, per venue; some with ``If-None-Match``);
- event lists of the API (pages, filters, search);
- availability searches (``/api/v1/availability/``, staff token);
- public calendar pages;
- occasional writes (an event's description changed through the API).

It prints requests/s, p50/p95/p99 latency and the error count (5xx,
unexpected statuses and connection errors) per kind and overall. The API's
rate limits are turned off for the run: the figures are the application's,
not the limiter's. The client shares the machine's CPUs with the server.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from benchmarks.feeds import ROOT, free_port, gunicorn, scratch_env

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
STAFF = "load-bench"
YEAR = 2026


@dataclass
class Tally:
    """Latencies (ms) and failures of one kind of request."""

    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str = ""

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


# --- the scratch site -------------------------------------------------------------------


def scratch_database(url: str) -> str:
    """Drop and create the database of ``url`` (loopback only); returns ``url``."""
    import psycopg2

    parts = urlsplit(url)
    if parts.hostname not in LOOPBACK:
        raise SystemExit(f"refusing {parts.hostname}: the load test only targets 127.0.0.1")
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username or "postgres",
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return url


def build_site() -> str:
    """Migrate, load the demo, solve and publish the year; print the staff token (child process)."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_demo", verbosity=0)
    call_command(
        "solve",
        start=f"{YEAR}-01-01",
        end=f"{YEAR}-12-31",
        time_limit=10.0,
        publish=True,
        comment="load benchmark",
        verbosity=0,
    )
    admin = get_user_model().objects.create_superuser(STAFF, password=None)
    return Token.objects.create(user=admin).key


def site_facts(env: dict[str, str]) -> tuple[list[str], list[str]]:
    """The event ids of the scratch site and the venues of its published events."""
    code = (
        "import django; django.setup();"
        "from events.models import Event; from scheduler.models import PublishedEvent;"
        "print(','.join(Event.objects.values_list('pk', flat=True)));"
        "print(','.join(sorted(set(PublishedEvent.objects.values_list('venue_code', flat=True)))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split("\n")
    return out[0].split(","), out[1].split(",")


# --- the traffic ------------------------------------------------------------------------


def request_mix(
    rng: random.Random, events: list[str], venues: list[str], token: str
) -> tuple[str, str, str, bytes | None, dict[str, str], set[int]]:
    """One request: (kind, method, path, body, headers, statuses that count as success)."""
    staff = {"Authorization": f"Token {token}"}
    roll = rng.random()
    if roll < 0.40:
        path = rng.choice(
            [
                "/calendar/all.ics",
                "/calendar/sports.ics",
                "/calendar/exhibitions.ics",
                f"/calendar/venues/{rng.choice(venues)}.ics",
            ]
        ) + rng.choice(["", "?lang=en"])
        return "feed", "GET", path, None, {}, {200}
    if roll < 0.70:
        query = rng.choice(
            [
                {},
                {"page": 2, "page_size": 20},
                {"category": "conference"},
                {"year": YEAR},
                {"search": "合肥"},
                {"status": "placed", "ordering": "-value"},
            ]
        )
        return "event list", "GET", f"/api/v1/events/?{urlencode(query)}", None, {}, {200}
    if roll < 0.88:
        month = rng.randint(1, 11)
        query = {
            "category": rng.choice(["conference", "exhibition", "sports"]),
            "window_start": f"{YEAR}-{month:02d}-01",
            "window_end": f"{YEAR}-{month + 1:02d}-28",
            "duration_days": rng.randint(1, 4),
            "setup_days": rng.randint(0, 2),
            "attendance": rng.choice([500, 3000, 10000]),
        }
        return (
            "availability",
            "GET",
            f"/api/v1/availability/?{urlencode(query)}",
            None,
            staff,
            {200},
        )
    if roll < 0.97:
        path = rng.choice(["/", "/?lang=en", f"/venues/{rng.choice(venues)}/", "/subscribe/"])
        return "page", "GET", path, None, {}, {200}
    body = f'{{"description_en": "Updated by the load test {rng.random()}"}}'.encode()
    headers = staff | {"Content-Type": "application/json"}
    return "write", "PATCH", f"/api/v1/events/{rng.choice(events)}/", body, headers, {200}


def drive(
    base: str,
    *,
    seconds: float,
    connections: int,
    seed: int,
    events: list[str],
    venues: list[str],
    token: str,
) -> tuple[dict[str, Tally], float]:
    """Send the mix from ``connections`` threads for ``seconds``; tallies per kind and elapsed."""
    tallies: dict[str, Tally] = defaultdict(Tally)
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def loop(thread_seed: int) -> None:
        rng = random.Random(thread_seed)
        while time.monotonic() < deadline:
            kind, method, path, body, headers, ok = request_mix(rng, events, venues, token)
            request = urllib.request.Request(base + path, data=body, headers=headers, method=method)
            began = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    response.read()
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            except OSError as error:
                status = f"{type(error).__name__}"
            elapsed_ms = (time.perf_counter() - began) * 1000
            with lock:
                tally = tallies[kind]
                tally.latencies_ms.append(elapsed_ms)
                if status not in ok:
                    tally.errors += 1
                    tally.first_error = tally.first_error or f"{method} {path} -> {status}"

    threads = [threading.Thread(target=loop, args=(seed + i,)) for i in range(connections)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return dict(tallies), time.monotonic() - began


def print_table(title: str, tallies: dict[str, Tally], elapsed: float) -> None:
    print(f"\n## {title}")
    print("| kind | requests | requests/s | p50 ms | p95 ms | p99 ms | errors |")
    print("|---|---|---|---|---|---|---|")
    everything = Tally()
    for kind in sorted(tallies):
        tally = tallies[kind]
        everything.latencies_ms += tally.latencies_ms
        everything.errors += tally.errors
        everything.first_error = everything.first_error or tally.first_error
        print(row(kind, tally, elapsed))
    print(row("**all**", everything, elapsed))
    if everything.first_error:
        print(f"\nfirst error: {everything.first_error}")


def row(kind: str, tally: Tally, elapsed: float) -> str:
    count = len(tally.latencies_ms)
    return (
        f"| {kind} | {count:,} | {count / elapsed:,.1f} | {tally.percentile(0.50):.1f} "
        f"| {tally.percentile(0.95):.1f} | {tally.percentile(0.99):.1f} | {tally.errors} |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__)
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/city_events_load",
        help="scratch PostgreSQL database, dropped and made anew (loopback only)",
    )
    parser.add_argument("--duration", type=float, default=30, help="seconds per scenario (30)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="gunicorn workers")
    parser.add_argument("--connections", type=int, default=8, help="client threads (8)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--build", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.build:  # the child process: its environment is the scratch site's
        print(build_site())
        return 0

    with tempfile.TemporaryDirectory(prefix="load-bench-") as tmp:
        port = free_port()
        env = scratch_env(Path(tmp), port) | {
            "DATABASE_URL": scratch_database(args.database_url),
            "API_THROTTLE_ANON": "",
            "API_THROTTLE_USER": "",
        }
        began = time.perf_counter()
        built = subprocess.run(
            [sys.executable, "-m", "benchmarks.load", "--build"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        token = built.stdout.strip().splitlines()[-1]
        events, venues = site_facts(env)
        print(
            f"demo catalogue of {len(events)} events and {len(venues)} venues solved and "
            f"published in {time.perf_counter() - began:.0f} s; gunicorn {args.workers} sync "
            f"workers, {args.connections} client threads, {args.duration:.0f} s per scenario",
            flush=True,
        )
        with gunicorn("config.wsgi:application", port=port, workers=args.workers, env=env) as base:
            warm, _ = drive(
                base,
                seconds=3,
                connections=args.connections,
                seed=args.seed + 1000,
                events=events,
                venues=venues,
                token=token,
            )
            for scenario, connections in (
                ("mixed, warm", args.connections),
                ("mixed, 1 client", 1),
            ):
                tallies, elapsed = drive(
                    base,
                    seconds=args.duration,
                    connections=connections,
                    seed=args.seed,
                    events=events,
                    venues=venues,
                    token=token,
                )
                print_table(scenario, tallies, elapsed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
