"""The house's layout: every package is installed under the one `govaudit` import name."""

import ast
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _configured() -> tuple[set[str], dict[str, str]]:
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    return set(setuptools["packages"]), setuptools["package-dir"]


def _package_of(folder: Path, mapping: dict[str, str]) -> str:
    relative = folder.relative_to(ROOT).as_posix()
    for name, top in mapping.items():
        if relative == top or relative.startswith(top + "/"):
            return name + relative[len(top) :].replace("/", ".")
    return relative.replace("/", ".")


def _folder_of(package: str, mapping: dict[str, str]) -> Path:
    for name, top in sorted(mapping.items(), key=lambda kv: -len(kv[0])):
        if package == name or package.startswith(name + "."):
            return ROOT / top / package[len(name) :].lstrip(".").replace(".", "/")
    return ROOT / package.replace(".", "/")


def test_import_linter_contracts_hold_on_the_installed_layout(tmp_path):
    """The layering (pyproject.toml's [tool.importlinter]: the floor imports no room or roof, the
    rooms neither each other nor the roof), on the package laid out as pip installs it: grimp
    finds a package's modules under its own folder only, so it cannot read the source tree."""
    packages, mapping = _configured()
    for package in packages:
        target = tmp_path / package.replace(".", "/")
        target.mkdir(parents=True, exist_ok=True)
        for source in _folder_of(package, mapping).glob("*.py"):
            shutil.copy(source, target)
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [lint, "--config", ROOT / "pyproject.toml", "--no-cache"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_every_package_folder_is_installed_under_govaudit():
    packages, mapping = _configured()
    tops = ["govaudit", *mapping.values()]
    found = {
        _package_of(init.parent, mapping)
        for top in tops
        for init in (ROOT / top).rglob("__init__.py")
    }
    assert found == packages
    assert all(name == "govaudit" or name.startswith("govaudit.") for name in packages)


# -- import circles: over every import of our own modules (function-level ones too), read from
# the source tree with the package-dir mapping applied.


def _modules() -> dict[str, Path]:
    _, mapping = _configured()
    found = {}
    for top in ["govaudit", *mapping.values()]:
        for path in (ROOT / top).rglob("*.py"):
            name = _package_of(path.parent, mapping)
            found[name if path.name == "__init__.py" else f"{name}.{path.stem}"] = path
    return found


def _imports(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Each module's imports of our own modules, those inside functions included."""
    graph = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(
                        package.split(".")[: len(package.split(".")) - node.level + 1]
                        + ([base] if base else [])
                    )
                # `from package import module` imports the module; `from module import name`, the module
                targets.update(
                    f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base
                    for a in node.names
                )
        graph[name] = {t for t in targets if t in modules and t != name}
    return graph


def test_no_import_circle():
    graph = _imports(_modules())
    # Tarjan's strongly connected components: a component of two or more modules is a circle.
    index, low, stack, on_stack, circles = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    assert circles == []


def test_no_source_file_over_600_lines():
    too_long = {
        str(path.relative_to(ROOT)): n
        for path in _modules().values()
        if (n := len(path.read_text("utf-8").splitlines())) > 600
    }
    assert too_long == {}
