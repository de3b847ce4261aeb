"""Reproducible benchmarks: our CP-SAT solver against a first-come-first-served diary."""
