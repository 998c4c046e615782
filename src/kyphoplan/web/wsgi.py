"""WSGI entry point for gunicorn: `gunicorn kyphoplan.web.wsgi`."""

import os
import sys

from django.core.wsgi import get_wsgi_application

from kyphoplan.clinical.plan import preload_knowledge
from kyphoplan.web.env import EnvError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kyphoplan.web.settings")
try:
    application = get_wsgi_application()
except EnvError as exc:  # a malformed setting: one line, and the worker does not boot
    print(f"kyphoplan: error: {exc}", file=sys.stderr)
    raise SystemExit(2) from None

# The knowledge base is loaded here, before the first request (with gunicorn --preload,
# once in the master, and the workers share it).
preload_knowledge()
