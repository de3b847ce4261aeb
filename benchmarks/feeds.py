"""Requests per second for /calendar/all.ics under gunicorn, and for the same bytes as a file.

Run ``python -m benchmarks.feeds`` (``--help`` for the knobs). It builds a
scratch SQLite database in a temporary directory, publishes one schedule
version of 1,000 events, starts gunicorn on 127.0.0.1 and measures, each for
``--duration`` seconds:

- full 200 responses of ``/calendar/all.ics`` (served from the feed cache
  after each worker's first render);
- 304s to ``If-None-Match`` and to ``If-Modified-Since``;
- the very same bytes as a static file, by WhiteNoise under gunicorn with the
  same workers: 200s and 304s.

The client is ``wrk`` when installed (``apt-get install wrk``), else a small
threaded Python client, which is slower than the server and says so. Every
status is checked first: a figure of the wrong response is no figure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FEED_PATH = "/calendar/all.ics"
STATIC_NAME = "all.ics"
STATIC_ROOT_ENV = "FEED_BENCH_STATIC_ROOT"
CATEGORIES = ("conference", "exhibition", "sports")


@dataclass(frozen=True)
class Measurement:
    what: str
    status: int
    body_bytes: int
    requests_per_s: float
    latency_ms: float | None
    client: str


# --- the scratch site ---------------------------------------------------------------


def scratch_env(data_dir: Path, port: int) -> dict[str, str]:
    """The environment of the scratch site: its own SQLite file, LocMem cache, DEBUG off."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CACHE_REDIS_URL", "DJANGO_DEBUG", "CELERY_BROKER_URL"}
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "CITY_EVENTS_DATA_DIR": str(data_dir),
        "DATABASE_URL": f"sqlite:///{data_dir / 'feeds-bench.sqlite3'}",
        "CITY_EVENTS_SITE_URL": f"http://127.0.0.1:{port}",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
    }
    return env


def build_site(events: int) -> float:
    """Migrate the scratch database and publish one version of ``events`` events.

    Runs in a child process whose environment is ``scratch_env``; returns the
    seconds one render of the full feed takes (what each worker pays once per version
    and language, on top of its first request's imports).
    """
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)

    from api.feeds import render_public_feed
    from events.models import Event
    from scheduler.models import Placement, Plan, SolveRun
    from scheduler.publishing import latest_version, plan_publish
    from venues.models import Venue

    venues = Venue.objects.bulk_create(
        Venue(
            id=f"venue-{v:02d}",
            name_zh=f"合肥第{v}会展中心",
            name_en=f"Hefei Exhibition Centre No. {v}",
            kind="exhibition_centre",
            address_zh=f"合肥市包河区锦绣大道{v}号",
            address_en=f"{v} Jinxiu Avenue, Baohe District, Hefei",
            lat=31.7 + v / 100,
            lon=117.2 + v / 100,
            capacity=20000,
            area_m2=50000,
        )
        for v in range(20)
    )
    catalogue = Event.objects.bulk_create(
        Event(
            id=f"event-{e:04d}",
            category=CATEGORIES[e % 3],
            international=e % 2 == 0,
            duration_days=1 + e % 5,
            name_zh=f"2027合肥国际博览会第{e}届",
            name_en=f"Hefei International Fair No. {e}, 2027",
            description_zh="合肥举办的国际活动，欢迎各界人士参加。" * 4,
            description_en="An international event in Hefei; everyone is welcome. " * 4,
            # Half timed (VTIMEZONE, RRULE), half all-day.
            start_time=dt.time(9) if e % 2 else None,
            end_time=dt.time(17) if e % 2 else None,
        )
        for e in range(events)
    )
    start = dt.date(2027, 1, 1)
    run = SolveRun.objects.create(
        status=SolveRun.Status.SUCCEEDED,
        horizon_start=start,
        horizon_end=start + dt.timedelta(days=365 * 4),
        time_limit_s=1,
        workers=1,
        problem={},
        solver_status="OPTIMAL",
    )
    plan = Plan.objects.create(
        solve_run=run,
        horizon_start=run.horizon_start,
        horizon_end=run.horizon_end,
        solver_status="OPTIMAL",
        targets_met=True,
    )
    placements = []
    for index, event in enumerate(catalogue):
        first = start + dt.timedelta(days=(index // len(venues)) * 7 + index % 7)
        last = first + dt.timedelta(days=event.duration_days - 1)
        placements.append(
            Placement(
                plan=plan,
                event=event,
                venue=venues[index % len(venues)],
                start=first,
                end=last,
                occupancy_start=first - dt.timedelta(days=1),
                occupancy_end=last + dt.timedelta(days=1),
            )
        )
    Placement.objects.bulk_create(placements)
    plan_publish(plan=plan, comment="feed benchmark")
    version = latest_version()
    render_public_feed("all", version, "zh")  # imports, translations, time zone data
    began = time.perf_counter()
    render_public_feed("all", version, "zh")
    return time.perf_counter() - began


def static_app():
    """A WSGI app serving ``$FEED_BENCH_STATIC_ROOT`` as static files with WhiteNoise."""
    from whitenoise import WhiteNoise

    def not_found(environ, start_response):
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]

    return WhiteNoise(
        not_found,
        root=os.environ[STATIC_ROOT_ENV],
        mimetypes={".ics": "text/calendar; charset=utf-8"},
        max_age=3600,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(app: str, *, port: int, workers: int, env: dict[str, str]) -> Iterator[str]:
    """gunicorn serving ``app`` on 127.0.0.1:``port`` until the block ends; yields its base URL."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            app,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn {app} exited with {process.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn {app} did not listen within 30 s") from None
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- the client -----------------------------------------------------------------------


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def warm_up(url: str, workers: int) -> None:
    """Enough requests that every worker has rendered the feed once (each has its own cache)."""
    for _ in range(workers * 8):
        fetch(url)


def wrk_rate(
    url: str, headers: dict[str, str], *, seconds: int, connections: int, threads: int
) -> tuple[float, float | None]:
    """Requests/s and mean latency (ms) that ``wrk`` measures; fails on any error response."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        [*command, url], check=True, capture_output=True, text=True, timeout=seconds + 60
    ).stdout
    if "Non-2xx or 3xx responses" in output or "Socket errors" in output:
        raise RuntimeError(f"wrk saw errors:\n{output}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latency = re.search(r"Latency\s+([\d.]+)(us|ms|s)\b", output)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    return rate, float(latency.group(1)) * scale[latency.group(2)] if latency else None


def python_rate(
    url: str, headers: dict[str, str], status: int, *, seconds: int, connections: int
) -> tuple[float, float | None]:
    """Requests/s of ``connections`` threads fetching ``url`` for ``seconds``."""
    counts: list[int] = []
    deadline = time.monotonic() + seconds

    def loop() -> None:
        done = 0
        while time.monotonic() < deadline:
            got, _headers, _body = fetch(url, headers)
            if got != status:
                raise RuntimeError(f"{url} answered {got}, not {status}")
            done += 1
        counts.append(done)

    threads = [threading.Thread(target=loop) for _ in range(connections)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    total = sum(counts)
    return total / elapsed, (elapsed * connections / total * 1000) if total else None


def measure(
    what: str, url: str, headers: dict[str, str], status: int, args: argparse.Namespace
) -> Measurement:
    """One row of the table, after checking that ``url`` answers ``status`` to ``headers``."""
    got, _headers, body = fetch(url, headers)
    if got != status:
        raise RuntimeError(f"{what}: {url} answered {got}, expected {status}")
    if args.client == "wrk":
        rate, latency = wrk_rate(
            url,
            headers,
            seconds=args.duration,
            connections=args.connections,
            threads=args.client_threads,
        )
    else:
        rate, latency = python_rate(
            url, headers, status, seconds=args.duration, connections=args.connections
        )
    return Measurement(what, status, len(body), rate, latency, args.client)


# --- the run --------------------------------------------------------------------------


def run(args: argparse.Namespace) -> list[Measurement]:
    rows: list[Measurement] = []
    with tempfile.TemporaryDirectory(prefix="feeds-bench-") as tmp:
        data_dir = Path(tmp)
        port = free_port()
        env = scratch_env(data_dir, port)
        began = time.perf_counter()
        built = subprocess.run(
            [sys.executable, "-m", "benchmarks.feeds", "--build", str(args.events)],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        render_s = float(built.stdout.strip().splitlines()[-1])
        print(
            f"built and published {args.events} events in {time.perf_counter() - began:.1f} s; "
            f"one render of {FEED_PATH}: {render_s * 1000:.0f} ms",
            flush=True,
        )

        with gunicorn("config.wsgi:application", port=port, workers=args.workers, env=env) as base:
            url = base + FEED_PATH
            warm_up(url, args.workers)
            status, headers, body = fetch(url)
            assert status == 200 and headers["Content-Type"].startswith("text/calendar")
            assert body.count(b"BEGIN:VEVENT") == args.events
            etag, modified = headers["ETag"], headers["Last-Modified"]
            rows.append(measure("feed, full response", url, {}, 200, args))
            rows.append(
                measure("feed, 304 (If-None-Match)", url, {"If-None-Match": etag}, 304, args)
            )
            rows.append(
                measure(
                    "feed, 304 (If-Modified-Since)", url, {"If-Modified-Since": modified}, 304, args
                )
            )

        static_root = data_dir / "static"
        static_root.mkdir()
        (static_root / STATIC_NAME).write_bytes(body)
        static_env = env | {STATIC_ROOT_ENV: str(static_root)}
        port = free_port()
        with gunicorn(
            "benchmarks.feeds:static_app()", port=port, workers=args.workers, env=static_env
        ) as base:
            url = f"{base}/{STATIC_NAME}"
            status, headers, static_body = fetch(url)
            assert status == 200 and static_body == body
            rows.append(measure("static file, full response", url, {}, 200, args))
            rows.append(
                measure(
                    "static file, 304 (If-None-Match)",
                    url,
                    {"If-None-Match": headers["ETag"]},
                    304,
                    args,
                )
            )
    return rows


def print_table(rows: list[Measurement], args: argparse.Namespace) -> None:
    print()
    print(
        f"# {platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, gunicorn {args.workers} sync workers, "
        f"client {args.client} with {args.connections} connections, {args.duration} s each"
    )
    print("| what | status | body bytes | requests/s | mean latency ms |")
    print("|---|---|---|---|---|")
    for row in rows:
        latency = f"{row.latency_ms:.1f}" if row.latency_ms is not None else "-"
        print(
            f"| {row.what} | {row.status} | {row.body_bytes:,} | {row.requests_per_s:,.0f} "
            f"| {latency} |"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.feeds", description=__doc__)
    parser.add_argument("--events", type=int, default=1000, help="published events (1000)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per figure (10)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="gunicorn workers")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections (16)")
    parser.add_argument("--client-threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument(
        "--client",
        choices=["wrk", "python"],
        default="wrk" if shutil.which("wrk") else "python",
        help="load generator (wrk when installed)",
    )
    parser.add_argument("--build", type=int, metavar="EVENTS", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.build is not None:
        # The child process: its environment is the scratch site's.
        print(build_site(args.build))
        return 0
    if args.client == "python":
        print("Python client: slower than the server, so its figures are a floor (try wrk).")
    load_before = os.getloadavg()[0]
    rows = run(args)
    print_table(rows, args)
    # Other work on the machine halves these figures; say how busy it was.
    print(f"# 1-minute load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after")
    return 0


if __name__ == "__main__":
    sys.exit(main())
