"""The house's layout: every package is installed under the one `govaudit` import name."""

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
