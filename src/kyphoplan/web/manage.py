"""`python -m kyphoplan.web.manage <command>`: Django's manage.py for this package.

Uses the production settings unless DJANGO_SETTINGS_MODULE says otherwise, so it
needs KYPHOPLAN_SECRET_KEY; for the demo set DJANGO_SETTINGS_MODULE=kyphoplan.web.settings_demo.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kyphoplan.web.settings")
    from django.core.management import execute_from_command_line

    from kyphoplan.web.env import EnvError

    try:
        execute_from_command_line(["kyphoplan.web.manage", *(sys.argv[1:] if argv is None else argv)])
    except EnvError as exc:  # a malformed setting: one line, no traceback
        print(f"kyphoplan: error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
