"""Checks that the virtual environment holds exactly the distributions requirements.lock pins (and planocr).

Run by `make setup` after installing; exits 1 naming every difference, so a drifted .venv is found, not used.
"""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

# Installed by venv itself, not by the lock.
TOOLING = {"pip", "setuptools", "wheel", "planocr"}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned(lock: Path) -> dict[str, str]:
    pins = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", line)
        if match:
            pins[canonical(match.group(1))] = match.group(2)
    return pins


def installed() -> dict[str, str]:
    return {canonical(d.metadata["Name"]): d.version for d in metadata.distributions() if d.metadata["Name"]}


def main(argv: list[str]) -> int:
    lock = Path(argv[1] if len(argv) > 1 else "requirements.lock")
    want, have = pinned(lock), installed()
    problems = [f"{name}: locked {version}, installed {have.get(name, 'nothing')}"
                for name, version in sorted(want.items()) if have.get(name) != version]
    problems += [f"{name}: installed {version}, not in the lock" for name, version in sorted(have.items())
                 if name not in want and name not in TOOLING]
    for problem in problems:
        print(f"check_lock: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
