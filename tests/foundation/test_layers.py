"""The code's layers: which way the imports point, and the README's map of them.

Read from the source (``ast``), not by importing it, so a cycle that happens
to load in one order still fails here.
"""

import ast
import functools
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("tracker", "indicators", "predictions")
# Where a project import may sit inside a function: a task's body (so that
# the domain may import the tasks it queues), an AppConfig's ready(), and the
# feed fetcher, which must import without Django (the tracker package loads it).
LAZY_IMPORTS_ALLOWED = ("tasks.py", "apps.py", "indicators/fetchers.py")


def project_modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "migrations" in parts or "management" in parts:
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


MODULES = project_modules()


def _imported(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        return [f"{node.module}.{alias.name}" for alias in node.names]
    return []


def _resolve(name: str) -> str | None:
    """The project module a dotted import name lands in, if any."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


@functools.cache
def imports(*, lazy: bool) -> dict[str, set[str]]:
    """Each module's imports of other project modules: those at module level,
    or (``lazy``) those inside functions."""
    graph = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text())
        top = {id(node) for node in tree.body}
        nodes = [n for n in ast.walk(tree) if (id(n) in top) != lazy]
        targets = {_resolve(name) for node in nodes for name in _imported(node)}
        graph[module] = {t for t in targets if t and t != module}
    return graph


def cycle_from(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, as a path that ends where it starts, or None."""
    state: dict[str, str] = {}  # "open" while on the path, "done" after

    def visit(module: str, path: list[str]) -> list[str] | None:
        state[module] = "open"
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                return path[path.index(target) :] + [target]
            if target not in state and (found := visit(target, path + [target])):
                return found
        state[module] = "done"
        return None

    for module in sorted(graph):
        if module not in state and (found := visit(module, [module])):
            return found
    return None


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycle_from(graph) == ["a", "b", "c", "a"]
    assert cycle_from({"a": {"b"}, "b": set()}) is None


def test_no_module_imports_one_that_imports_it_back() -> None:
    assert cycle_from(imports(lazy=False)) is None


def test_imports_inside_functions_are_only_where_the_layers_need_them() -> None:
    misplaced = sorted(
        f"{module} imports {', '.join(sorted(targets))}"
        for module, targets in imports(lazy=True).items()
        if targets
        and not str(MODULES[module].relative_to(ROOT)).endswith(LAZY_IMPORTS_ALLOWED)
    )
    assert misplaced == []


def test_indicators_never_import_predictions() -> None:
    # They announce their changes with a signal (indicators.signals) instead.
    offenders = {
        module: sorted(t for t in targets if t.startswith("predictions"))
        for module, targets in imports(lazy=False).items()
        if module.startswith("indicators")
    }
    assert {m: t for m, t in offenders.items() if t} == {}


def test_the_scoring_package_imports_only_itself() -> None:
    lazy = imports(lazy=True)
    graph = {m: t | lazy[m] for m, t in imports(lazy=False).items()}
    outside = {
        module: sorted(t for t in targets if not t.startswith("predictions.scoring"))
        for module, targets in graph.items()
        if module.startswith("predictions.scoring")
    }
    assert {m: t for m, t in outside.items() if t} == {}


def test_only_the_changes_module_moves_the_page_version() -> None:
    callers = sorted(
        str(path.relative_to(ROOT))
        for module, path in MODULES.items()
        if "bump_version()" in path.read_text() and module != "tracker.memo"
    )
    assert callers == ["predictions/changes.py"]


def folder_of(module: str) -> str:
    """The folder of the code map a module belongs to."""
    parts = module.split(".")
    if parts[:2] in (["predictions", "scoring"], ["tracker", "pages"]):
        return "/".join(parts[:2])
    return parts[0]


# Where the whole project is wired together: the URLs, the admin site and the
# app configs name every app's views, admin pages and receivers.
WIRING = {"tracker.urls", "tracker.admin_site"}


def readme_map() -> dict[str, set[str]]:
    """Each folder of the README's code map, with the folders it may import."""
    text = (ROOT / "README.md").read_text()
    section = text.split("\n## The code\n", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([\w/]+)/` \|[^|]*\| ([^|]*) \|$", section, re.M)
    return {
        folder: {name.rstrip("/") for name in re.findall(r"`([\w/]+)/`", imports)}
        for folder, imports in rows
    }


def test_the_readme_map_names_every_package() -> None:
    assert set(readme_map()) == {folder_of(module) for module in MODULES}


def test_each_folder_imports_only_what_the_readme_map_says() -> None:
    actual: dict[str, set[str]] = {folder: set() for folder in readme_map()}
    for module, targets in imports(lazy=False).items():
        if module in WIRING:
            continue
        actual[folder_of(module)] |= {folder_of(t) for t in targets}
    for folder, found in actual.items():
        found.discard(folder)
    assert actual == readme_map()
