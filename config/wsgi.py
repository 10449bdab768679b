import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Production with an unsafe default (the log SMS sender, a per-process cache, no data key, DEBUG, the
# development SECRET_KEY) does not serve: gunicorn fails to load the application, naming the problems.
from gongzhi.core.checks import refuse_unsafe_production  # noqa: E402

refuse_unsafe_production()

# The objects of start-up (Django, the URLconf, the apps) live as long as the worker: out of the collector's
# reach, a full collection scans only what requests made. Without it a large answer (a district's one-map
# layer: 1,680 grid polygons) set off full collections of the whole heap every few requests, 250 ms each:
# at city scale the care layer's p95 was 406 ms against a median of 148 (docs/performance.md).
gc.freeze()
