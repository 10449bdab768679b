"""Settings for the bench's server process only: the product's settings with the bench URLconf.

    DJANGO_SETTINGS_MODULE=bench.settings gunicorn config.wsgi

``BENCH_ROOT_URLCONF`` (default ``bench.urls_bare``) names the URLconf: the product's URLs plus the bare
baseline view. Nothing in the product imports this module.
"""

from __future__ import annotations

import os

from config.settings import *  # noqa: F403

ROOT_URLCONF = os.environ.get("BENCH_ROOT_URLCONF", "bench.urls_bare")
