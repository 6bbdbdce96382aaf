"""Benchmarks and load tests: each module prints figures and asserts nothing.

Run one with ``.venv/bin/python -m benchmarks.<name>``, or all of them with ``make bench``.
Product code never imports from here.
"""
