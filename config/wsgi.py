import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Production with an unsafe default (the log SMS sender, a per-process cache, no data key, DEBUG, the
# development SECRET_KEY) does not serve: gunicorn fails to load the application, naming the problems.
from gongzhi.core.checks import refuse_unsafe_production  # noqa: E402

refuse_unsafe_production()
