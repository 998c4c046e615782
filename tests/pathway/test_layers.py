"""One owner per flow: the pathway's lower apps never import upward, and no service module
hides an import inside a function to dodge a cycle. Read from the source, so a change that
breaks the layering fails here, not in production."""

from __future__ import annotations

import ast
from pathlib import Path

import kyphoplan

ROOT = Path(kyphoplan.__file__).parent
# Lowest first. A module of an app here may import from its own app and from apps before it.
LAYERS = ["cases", "policy", "intake", "booking", "plans", "reminders", "patient", "pathway"]
# Presentation and wiring may call any layer (they call the pathway's verbs to write).
FREE = ("views", "urls", "link_views", "templatetags", "management", "admin", "apps")


def _service_modules() -> list[tuple[str, Path]]:
    out = []
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT / app).parts
            if "migrations" in parts or any(p.startswith(FREE) for p in parts):
                continue
            out.append((app, path))
    return out


def _imports(tree: ast.AST) -> list[tuple[ast.AST, str, bool]]:
    """(node, module, inside a function) for every `from kyphoplan.x import ...` and `import kyphoplan.x`."""
    found: list[tuple[ast.AST, str, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.ImportFrom) and child.module and child.module.startswith("kyphoplan."):
                found.append((child, child.module, in_function))
            elif isinstance(child, ast.Import):
                found.extend((child, a.name, in_function) for a in child.names if a.name.startswith("kyphoplan."))
            visit(child, inside)

    visit(tree, False)
    return found


def test_it_has_lower_pathway_apps_never_import_a_higher_one() -> None:
    upward = []
    for app, path in _service_modules():
        for node, module, _ in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            other = module.split(".")[1]
            if other in LAYERS and LAYERS.index(other) > LAYERS.index(app):
                upward.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {module}")  # type: ignore[attr-defined]
    assert upward == [], "\n".join(upward)


def test_it_has_no_service_import_hidden_inside_a_function() -> None:
    hidden = []
    for app, path in _service_modules():
        for node, module, in_function in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            other = module.split(".")[1]
            # The pure clinical core may load lazily (start-up time); any other app may not.
            if in_function and other not in (app, "clinical"):
                hidden.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {module} inside a function")  # type: ignore[attr-defined]
    assert hidden == [], "\n".join(hidden)


def test_it_checks_the_modules_it_means_to() -> None:
    checked = {str(p.relative_to(ROOT)) for _, p in _service_modules()}
    assert {"plans/services.py", "reminders/services.py", "booking/services.py", "cases/services.py",
            "intake/services.py", "pathway/services.py"} <= checked
