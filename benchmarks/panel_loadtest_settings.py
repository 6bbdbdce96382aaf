"""Settings for the load test only: the real site plus a bare view to compare against."""

from advisor.settings import *  # noqa: F401,F403

ROOT_URLCONF = "benchmarks.panel_loadtest_urls"
