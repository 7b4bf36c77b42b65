"""The pins in requirements.txt, environment.yml, constraints.txt and pyproject.toml agree."""

import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]


def _pins(lines: list[str]) -> dict[str, str]:
    pins = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if line:
            req = Requirement(line)
            (spec,) = req.specifier  # exactly one ==pin per package
            assert spec.operator == "==", f"{line!r} is not pinned with =="
            pins[canonicalize_name(req.name)] = spec.version
    return pins


def requirements() -> dict[str, str]:
    return _pins((ROOT / "requirements.txt").read_text().splitlines())


def test_environment_yml_pip_section_equals_requirements():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    (pip_section,) = [d["pip"] for d in env["dependencies"] if isinstance(d, dict)]
    assert _pins(pip_section) == requirements()
    assert "python=3.11" in env["dependencies"]


def test_lock_agrees_with_requirements():
    lock = _pins((ROOT / "constraints.txt").read_text().splitlines())
    for name, version in requirements().items():
        assert lock.get(name) == version, f"{name}: requirements {version}, lock {lock.get(name)}"


def test_package_dependencies_are_satisfied_by_the_pins():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = requirements()
    for dep in project["dependencies"]:
        req = Requirement(dep)
        assert req.specifier.contains(pins[canonicalize_name(req.name)]), dep


def test_the_versions_the_book_relies_on():
    pins = requirements()
    assert pins["jupyter-book"].startswith("1.")  # 2.x cannot build HTML offline
    assert pins["tensorflow"].startswith("2.21") and pins["tf-keras"].startswith("2.21")
    assert pins["torch"] == "2.13.0"  # the local CPU build; never a CUDA download
