"""The `kyphoplan` command: `plan FILE` prints a preparation plan; `serve` runs the web app."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

EXIT_BAD_INPUT = 2
# A patient's facts are a few kilobytes; a bigger file is a mistake, not a patient.
MAX_INPUT_BYTES = 1_000_000


def _fail(message: str) -> int:
    print(f"kyphoplan: error: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _plan(args: argparse.Namespace) -> int:
    from kyphoplan.clinical.contract import plan_to_dict
    from kyphoplan.clinical.facts import FactsError, parse_facts
    from kyphoplan.clinical.plan import build_plan
    from kyphoplan.clinical.render import render_plan

    path = Path(args.file)
    try:
        text = sys.stdin.read() if args.file == "-" else path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return _fail(f"{path}: no such file")
    except (OSError, UnicodeDecodeError) as error:
        return _fail(f"{path}: cannot read it ({error.__class__.__name__})")
    if len(text) > MAX_INPUT_BYTES:
        return _fail(f"{path}: larger than {MAX_INPUT_BYTES:,} characters")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        return _fail(f"{path}: invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}")
    except RecursionError:
        return _fail(f"{path}: JSON nested too deeply")
    try:
        facts = parse_facts(raw)
    except FactsError as error:
        return _fail(f"{path}: field {error.field}: {error.message}")
    plan = build_plan(facts)
    if args.format == "json":
        print(json.dumps(plan_to_dict(plan), indent=2, ensure_ascii=False))
    else:
        print(render_plan(plan), end="")
    return 0


def _serve(args: argparse.Namespace) -> int:
    from kyphoplan.web.serve import main as serve_main

    argv = ["--port", str(args.port)] if args.port else []
    if args.no_serve:
        argv.append("--no-serve")
    return serve_main(argv)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kyphoplan", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    plan = commands.add_parser("plan", help="print a preparation plan for patient facts (JSON)")
    plan.add_argument("file", help="patient facts as JSON (plan-contract input), or - for stdin")
    plan.add_argument("--format", choices=("text", "json"), default="text")
    plan.set_defaults(handler=_plan)
    serve = commands.add_parser("serve", help="run the web application with demo data")
    serve.add_argument("--port", type=int, default=None, help="port on 127.0.0.1 (default 8000)")
    serve.add_argument("--no-serve", action="store_true", help="set up the database, then exit")
    serve.set_defaults(handler=_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler = args.handler
    result: int = handler(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
