"""Shared fixtures. Data outside the repository (../shared: seeds, real scans, corpus) is reached only through
these fixtures, which skip the test with the reason when the data is absent."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("PLANOCR_SHARED", ROOT.parent / "shared"))


def shared_path(relative: str) -> Path:
    """A path under ../shared, or skip the calling test with the reason."""
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"{path} is absent (the shared data lives beside the project, in ../shared)")
    return path


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return shared_path("seeds")


def outside_path(variable: str, default: str) -> Path:
    """A folder of the team's own real documents outside the repository (never committed), or skip with the reason."""
    path = Path(os.environ.get(variable, default))
    if not path.exists():
        pytest.skip(f"{path} is absent (real documents live outside the repository: set {variable})")
    return path


@pytest.fixture(scope="session")
def realtexts_dir() -> Path:
    """Real documents as text, with hand labels (``$PLANOCR_REALTEXTS``, default /work/realtexts)."""
    return outside_path("PLANOCR_REALTEXTS", "/work/realtexts")


@pytest.fixture(scope="session")
def realdocs_dir() -> Path:
    """The team's real scans with transcriptions (``$PLANOCR_REALDOCS``, default /work/realdocs)."""
    return outside_path("PLANOCR_REALDOCS", "/work/realdocs")


@pytest.fixture(scope="session")
def alto_xsd() -> Path:
    """The ALTO 4.4 schema in ../shared/schemas, for validating ALTO files offline."""
    return shared_path("schemas/alto-4-4.xsd")


@pytest.fixture(scope="session")
def realscans_dir() -> Path:
    """../shared/realscans: real scans with transcriptions and fields read by eye."""
    return shared_path("realscans")


class Tmpfs:
    """Small RAM file systems under a test's tmp_path: full disks and read-only folders for real."""

    def __init__(self, root: Path):
        self.root = root
        self.mounted: list[Path] = []

    def __call__(self, size_kb: int = 64) -> Path:
        """A new folder on a file system of ``size_kb`` KiB (tmpfs counts whole 4 KiB pages)."""
        target = self.root / f"tmpfs{len(self.mounted)}"
        target.mkdir()
        proc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(target)],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.strip() or proc.returncode}")
        self.mounted.append(target)
        return target

    @staticmethod
    def remount(target: Path, options: str) -> None:
        """E.g. ``remount(folder, "ro")`` (read-only, contents kept) or ``remount(folder, "size=1m")``."""
        subprocess.run(["mount", "-o", f"remount,{options}", str(target)], check=True, capture_output=True)

    def unmount_all(self) -> None:
        for target in reversed(self.mounted):
            subprocess.run(["umount", "-l", str(target)], capture_output=True)


@pytest.fixture
def tmpfs(tmp_path):
    """``tmpfs(size_kb)`` mounts a RAM file system of that size and returns its folder; ``tmpfs.remount(folder,
    "ro")`` makes it read-only. Unmounted after the test. Skips with the reason where mounting is not allowed (not
    root, or a container without the capability)."""
    mounts = Tmpfs(tmp_path)
    yield mounts
    mounts.unmount_all()


def drop_privileges(argv: list[str]) -> list[str]:
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *argv] if os.geteuid() == 0 else argv


@pytest.fixture(scope="session")
def unprivileged_python() -> list[str]:
    """How an ordinary user runs this project's Python: the tests' interpreter, or (when it lives where that user
    cannot go, e.g. under /root) the system's Python of the same version with this tree and the tests'
    site-packages on its path. Skips with the reason when neither can import the project's dependencies."""
    if os.geteuid() == 0 and not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: no way to drop privileges for a permission test")
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    import pipeline

    site = [p for p in sys.path if p.endswith("site-packages")]
    path = os.pathsep.join([str(Path(pipeline.__file__).parent.parent), *site])  # the tree under test
    probe = "import subprocess, sys; subprocess.run([sys.executable, '-c', 'import numpy, cv2, pydantic'], check=True)"
    for python in (sys.executable, f"/usr/bin/{version}", f"/usr/local/bin/{version}"):
        proc = subprocess.run(drop_privileges(["env", f"PYTHONPATH={path}", python, "-c", probe]),
                              capture_output=True, text=True, cwd="/")
        if proc.returncode == 0:
            return ["env", f"PYTHONPATH={path}", python]
    pytest.skip(f"no Python an ordinary user may run here can import the dependencies ({proc.stderr.strip()[-200:]})")


@pytest.fixture
def unprivileged(unprivileged_python):
    """(run, python, folder): ``run(argv)`` runs a command as an ordinary user (as 'nobody' through setpriv when the
    tests run as root, who may read and write anything), ``python`` is how that user starts this project's Python
    (a list to put before "-m", "pipeline", …), and ``folder`` is a scratch folder the user can use (the tests'
    tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="planocr-test-"))
    folder.chmod(0o777)

    def run(argv: list[str], **kwargs) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if k != "PLANOCR_TEST_HOOK"}
        return subprocess.run(drop_privileges(argv), capture_output=True, text=True, env=env, timeout=120, cwd="/",
                              **kwargs)

    yield run, unprivileged_python, folder
    for path in [folder, *folder.rglob("*")]:  # give back the permissions a test took away, so all can go
        if path.is_dir() and not path.is_symlink():
            with contextlib.suppress(OSError):
                path.chmod(0o777)
    shutil.rmtree(folder, ignore_errors=True)
