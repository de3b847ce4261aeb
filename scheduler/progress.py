"""The one-line progress report shown while a solve runs (command line and logs)."""

from scheduler.solve import Progress


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:,.1f}"


def progress_line(progress: Progress) -> str:
    """``objective 1,234.0  bound 1,240.0  gap 0.49%  3.2 s  (5 solutions)``."""
    gap = "-" if progress.gap is None else f"{progress.gap:.2%}"
    return (
        f"objective {_figure(progress.objective)}  bound {_figure(progress.best_bound)}  "
        f"gap {gap}  {progress.elapsed_s:.1f} s  ({progress.solutions_found} solutions)"
    )
