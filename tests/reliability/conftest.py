"""The small city of the solve-run tests, for the failure tests here."""

from tests.solve_runs.conftest import small_city

__all__ = ["small_city"]
