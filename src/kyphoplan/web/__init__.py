"""The Django project: settings, URLs, the demo server and the management entry point."""
