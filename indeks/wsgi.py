"""WSGI entry point (gunicorn indeks.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "indeks.settings")
application = get_wsgi_application()
