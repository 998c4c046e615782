"""WSGI entry point for gunicorn: `gunicorn kyphoplan.web.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kyphoplan.web.settings")
application = get_wsgi_application()
