"""The shape of the code (README "Development"): no import cycles, domains talk through registered hooks, routes
load through their domain's queries, security knows no domain models, one definition of the locales."""
from __future__ import annotations

import ast
from pathlib import Path

PORTAL = Path(__file__).resolve().parent.parent / "portal"


def _modules() -> dict[str, Path]:
    found = {}
    for path in PORTAL.rglob("*.py"):
        parts = list(path.relative_to(PORTAL.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _module_level_imports(name: str, path: Path, *, deferred: bool = False) -> set[str]:
    """Modules of the portal that ``name`` imports when it is imported (not inside functions); with ``deferred``,
    also those it imports inside its functions, naming a package only when it takes a name the package itself
    defines (``from portal.loans import queries`` is an import of ``portal.loans.queries`` alone)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()

    def visit(nodes):
        for node in nodes:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and not deferred:
                continue
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    stem = package.split(".")[:len(package.split(".")) - (node.level - 1)]
                    base = ".".join(stem + ([base] if base else []))
                targets.update(f"{base}.{alias.name}" for alias in node.names)
                if not deferred or any(f"{base}.{alias.name}" not in MODULES for alias in node.names):
                    targets.add(base)
            for field in ("body", "orelse", "finalbody", "handlers"):
                visit(getattr(node, field, None) or [])

    visit(ast.parse(path.read_text(encoding="utf-8")).body)
    resolved = set()
    for target in targets:
        while target and target not in MODULES:
            target = target.rpartition(".")[0]
        if target and target != name:
            resolved.add(target)
    return resolved


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph.get(node, ()):
            if other not in index:
                connect(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return groups


def test_no_import_cycles_between_portal_modules():
    graph = {name: _module_level_imports(name, path) for name, path in MODULES.items()}
    assert _cycles(graph) == []


def test_no_import_cycles_even_through_imports_inside_functions():
    """A module imports only what stands below it, also where it imports inside a function to load later: the
    worker's tasks, the console's lists, the CLI's commands are registered from above (``register_task``,
    ``register_queue``, ``configure_cli``), never imported back from below. The app factory (``portal``) stands
    above everything: the worker imports it to build its app."""
    graph = {name: _module_level_imports(name, path, deferred=True) - {"portal"} for name, path in MODULES.items()}
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def _calls(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [ast.unparse(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)]


def test_routes_load_through_their_domains_queries():
    """No route module builds a query: loaders live in ``<domain>/queries.py`` (and check ownership there)."""
    offenders = {}
    for name, path in MODULES.items():
        if "routes" in path.stem:
            built = [call for call in _calls(path) if call in ("select", "db.session.get", "db.session.execute")]
            if built:
                offenders[name] = built
    assert offenders == {}


def test_domains_talk_through_hooks_not_optional_imports():
    for path in MODULES.values():
        assert "except ImportError" not in path.read_text(encoding="utf-8"), path


def test_security_imports_no_domain_models():
    for name, path in MODULES.items():
        if name.startswith("portal.security"):
            assert not [m for m in _module_level_imports(name, path) if m.endswith(".models")], name


def test_the_locales_are_defined_once():
    definitions = [name for name, path in MODULES.items()
                   if any(isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "LOCALES" for t in node.targets)
                          for node in ast.parse(path.read_text(encoding="utf-8")).body)]
    assert definitions == ["portal.locales"]
