"""The code a workflow step runs: its script and every ``hepml`` module the script imports,
directly or through other modules (a static walk of the import statements, function-level ones
included; a package's lazy ``__getattr__`` imports are not module imports). Modules are imported by
name, never by a computed string, so the walk sees them all. Rules list these files as inputs, so
editing a module reruns exactly the jobs whose scripts import it; the manifest records their
fingerprint."""

from __future__ import annotations

import ast
import hashlib
import os
from functools import cache
from pathlib import Path

PACKAGE = "hepml"


def _module_file(root: Path, name: str) -> Path | None:
    """``root/hepml/a/b.py`` or ``root/hepml/a/b/__init__.py`` for module ``hepml.a.b``, if it exists."""
    base = root.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _lazy_attributes(tree: ast.Module) -> set[ast.AST]:
    """The nodes inside a module-level ``__getattr__`` (PEP 562): they import only when a missing
    attribute is looked up (``hepml.load_model``), not when the module is imported."""
    return {node for f in tree.body if isinstance(f, ast.FunctionDef) and f.name == "__getattr__"
            for node in ast.walk(f)}


def _imported(path: Path, module: str | None) -> set[str]:
    """Absolute names of the hepml modules (and candidate submodules) ``path`` imports anywhere
    (a module-level ``__getattr__``'s lazy imports excepted)."""
    tree = ast.parse(path.read_text(), str(path))
    package = module if path.name == "__init__.py" else (module.rpartition(".")[0] if module else None)
    names = set()
    lazy = _lazy_attributes(tree)
    for node in ast.walk(tree):
        if node in lazy:
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                if package is None:
                    continue
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)  # `from pkg import module`
    return {n for n in names if n == PACKAGE or n.startswith(PACKAGE + ".")}


@cache
def code_files(script: str, root: str) -> tuple[str, ...]:
    """The script and every hepml source file it imports, transitively (with the packages'
    ``__init__.py`` files on the way), as sorted paths relative to ``root``."""
    base = Path(root)
    seen: set[Path] = set()
    todo: list[tuple[Path, str | None]] = [(base / script, None)]
    while todo:
        path, module = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for name in _imported(path, module):
            parts = name.split(".")
            for i in range(1, len(parts) + 1):   # importing a.b.c runs a/__init__ and a/b/__init__ too
                prefix = ".".join(parts[:i])
                found = _module_file(base, prefix)
                if found is not None and found not in seen:
                    todo.append((found, prefix))
    return tuple(sorted(os.path.relpath(p, base) for p in seen))


def fingerprint(files, root: str | os.PathLike) -> str:
    """SHA-256 over the paths and contents of ``files`` (relative to ``root``)."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + (Path(root) / name).read_bytes() + b"\0")
    return digest.hexdigest()
