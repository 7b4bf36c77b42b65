"""The package's layout: folders by concern, no import circle, every module on the API page."""

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "lstm_utils"
API_PAGE = PACKAGE.parent / "book" / "api.md"

#: The only modules allowed at the top level besides the folders: the small PyTorch helpers
#: and private utilities.
TOP_LEVEL = {"__init__", "torch_train", "_validation", "_quiet"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("lstm_utils"):
                deps.add(node.module)
            elif isinstance(node, ast.Import):
                deps |= {a.name for a in node.names if a.name.startswith("lstm_utils")}
        graph[_module_name(path)] = deps
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done

    def visit(node: str, stack: list[str]) -> list[str] | None:
        state[node] = 1
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == 1:
                return [*stack[stack.index(dep) :], dep]
            if dep not in state and (found := visit(dep, [*stack, dep])):
                return found
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node, [node])):
            return found
    return None


def _package(module: str) -> str:
    return ".".join(module.split(".")[:2])


def test_top_level_holds_only_folders_and_the_torch_helpers():
    loose = {p.stem for p in PACKAGE.glob("*.py")} - TOP_LEVEL
    assert not loose, f"modules outside a folder: {sorted(loose)}"


def test_no_import_circle_between_modules():
    assert _cycle(_imports()) is None


def test_no_import_circle_between_folders():
    packages: dict[str, set[str]] = {}
    for module, deps in _imports().items():
        if module == "lstm_utils":  # the top level re-exports; it is imported by nothing inside
            continue
        packages.setdefault(_package(module), set()).update(
            _package(d) for d in deps if _package(d) != _package(module)
        )
    assert "lstm_utils" not in set().union(*packages.values()), "a module imports the top level"
    assert _cycle(packages) is None


def test_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_every_public_module_is_on_the_api_page():
    documented = set(re.findall(r"automodule:: (lstm_utils[\w.]*)", API_PAGE.read_text()))
    public = {
        _module_name(p)
        for p in PACKAGE.rglob("*.py")
        if not any(part.startswith("_") for part in p.relative_to(PACKAGE).parts)
    }
    missing = {m for m in public if m not in documented and _package(m) != m}
    # a folder's __init__ is covered by its modules; plotting documents its package
    missing -= {"lstm_utils.plotting." + p.stem for p in (PACKAGE / "plotting").glob("*.py")}
    assert not missing, f"modules missing from book/api.md: {sorted(missing)}"
