"""The package's structure: layers import only downwards (core <- the studies <- pipeline), and no
module imports itself back through others (no import cycle), function-level imports included."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAYER = {"core": 0, "benchmark": 1, "jets": 1, "weak": 1, "parameterized": 1, "pipeline": 2, "api": 3,
         "command": 4, "__main__": 5}


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """{module: the hepml modules it imports}, every import statement of every module."""
    files = {_module(p): p for p in (ROOT / "hepml").rglob("*.py")}
    graph = {}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")
                    base = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
                targets = [f"{base}.{a.name}" for a in node.names]
                found.update(t if t in files else base for t in targets)
            elif isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
        graph[name] = {m for m in found if m in files and m != name and not name.startswith(m + ".")}
    return graph


def test_layers_import_only_downwards():
    upward = [(m, d) for m, deps in import_graph().items() for d in deps
              if m.count(".") and d.count(".") and LAYER[m.split(".")[1]] < LAYER[d.split(".")[1]]]
    assert not upward, upward


def test_there_is_no_import_cycle():
    graph = import_graph()
    state: dict[str, int] = {}
    cycles = []

    def visit(node, path):
        state[node] = 1
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == 1:
                cycles.append(path[path.index(dep):] + [dep] if dep in path else [node, dep])
            elif dep not in state:
                visit(dep, [*path, dep])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not cycles, cycles


def test_the_graph_sees_the_imports_it_checks():
    graph = import_graph()
    assert "hepml.core.training_data" in graph["hepml.weak.methods"]      # a module-level relative import
    assert "hepml.weak.tasks" in graph["hepml.pipeline.steps"]
    assert "hepml.jets.cnn" in graph["hepml.pipeline.kinds.network"]      # a function-level import
