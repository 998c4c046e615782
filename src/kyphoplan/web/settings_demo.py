"""Settings for the demo server and the test suite.

The secret below is public, so this module must never serve real patients.
Everything else comes from the production settings unchanged.
"""

import os

os.environ.setdefault("KYPHOPLAN_DEMO", "1")
os.environ.setdefault("KYPHOPLAN_SECRET_KEY", "demo-only-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("KYPHOPLAN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

from kyphoplan.web.settings import *  # noqa: F403
