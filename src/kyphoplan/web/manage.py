"""`python -m kyphoplan.web.manage <command>`: Django's manage.py for this package.

Uses the production settings unless DJANGO_SETTINGS_MODULE says otherwise, so it
needs KYPHOPLAN_SECRET_KEY; for the demo set DJANGO_SETTINGS_MODULE=kyphoplan.web.settings_demo.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kyphoplan.web.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kyphoplan.web.manage", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
