"""Calls made at the same moment from threads, for the tests of what two writers do at once."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

from django.db import connection


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Each call in its own thread, started together; their results or exceptions, in order.

    Each thread closes its database connection when done, as a request would.
    """
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = calls[index]()
        except Exception as error:  # reported by the test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def requests_at_once(
    base_url: str, requests: list[tuple[str, str, dict | None, str]]
) -> list[tuple[int, dict]]:
    """(status, JSON body) of each request (method, path, body, Authorization) to a live server.

    Sent from threads released together, as two busy colleagues would.
    """

    def send(method: str, path: str, body: dict | None, auth: str) -> tuple[int, dict]:
        request = urllib.request.Request(
            base_url + path,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "Authorization": auth},
            method=method,
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    return at_once(*(lambda r=request: send(*r) for request in requests))
