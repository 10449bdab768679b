import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_asgi_application()

# As config/wsgi.py: production with an unsafe default does not serve.
from gongzhi.core.checks import refuse_unsafe_production  # noqa: E402

refuse_unsafe_production()
