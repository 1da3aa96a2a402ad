"""Benchmarks: ``python -m bench`` prints each measurement beside its baseline and target."""
