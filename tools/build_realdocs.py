"""Rebuild the team's second set of real scans (/work/realdocs) from the local repository snapshots.

Reads benchmarks/data/realdocs_sources.json (per scan: repository, path, commit, SHA-256, size) and
benchmarks/data/realdocs_fields.json (the labels read by eye), takes every file out of its snapshot under
/work/.mirror/<owner>+<name>/ with git (nothing is downloaded), checks its SHA-256 and size, and writes
<out>/scans/<name>, <out>/fields.json and <out>/SOURCES.md. A snapshot that is missing is named with the
command that brings it ("fetch github:owner/name first"); the other files are still written. Existing
transcriptions in <out>/truth/ are left as they are (they are typed by hand and live only there).

Usage: python tools/build_realdocs.py [--out /work/realdocs] [--mirror /work/.mirror] [--check]
Exit status 0 when every scan was written (or, with --check, is already there byte for byte), 1 otherwise.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "benchmarks" / "data" / "realdocs_sources.json"
FIELDS = ROOT / "benchmarks" / "data" / "realdocs_fields.json"


def git_dir(mirror: Path, repo: str) -> Path | None:
    """The git directory of a snapshot (fetch puts it at <mirror>/<owner>+<name>/repo), or None."""
    base = mirror / repo.replace("/", "+")
    for candidate in (base / "repo", base):
        if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
            return candidate
    return None


def read_blob(gitdir: Path, commit: str, path: str) -> bytes | None:
    proc = subprocess.run(
        ["git", "--git-dir", str(gitdir), "cat-file", "blob", f"{commit}:{path}"], capture_output=True, check=False
    )
    return proc.stdout if proc.returncode == 0 else None


def sources_md(sources: dict) -> str:
    lines = [
        "# Sources of /work/realdocs",
        "",
        "Real scans of Vietnamese administrative documents from public repositories, byte for byte. Written by",
        "`tools/build_realdocs.py` of the planocr repository from `benchmarks/data/realdocs_sources.json`",
        "(provenance, SHA-256) and `benchmarks/data/realdocs_fields.json` (fields read by eye, = fields.json here).",
        "Do not commit these files. Documents marked blind are held out: run planocr on them only through",
        "`benchmarks/bench_realscans.py --set /work/realdocs --include-blind`.",
        "",
        "| id | file | blind | repository | path | commit | kind |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for doc in sources["documents"]:
        lines.append(
            f"| {doc['id']} | {doc['file']} | {'yes' if doc['blind'] else 'no'} | {doc['repo']} | {doc['path']} "
            f"| {doc['commit'][:10]} | {doc['kind']} |"
        )
    missing = sources.get("not_found") or []
    if missing:
        lines += ["", "Not found again (labels still committed for them elsewhere):", ""]
        lines += [f"- {doc['id']} ({doc['file']}): {doc['what']}" for doc in missing]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/work/realdocs"))
    parser.add_argument("--mirror", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--check", action="store_true", help="only check the files already in <out>/scans")
    ns = parser.parse_args(argv)

    sources = json.loads(SOURCES.read_text(encoding="utf-8"))
    fields = json.loads(FIELDS.read_text(encoding="utf-8"))
    scans = ns.out / "scans"
    if not ns.check:
        scans.mkdir(parents=True, exist_ok=True)
    ok = True
    missing_repos: set[str] = set()
    for doc in sources["documents"]:
        target = ns.out / doc["file"]
        if ns.check:
            data = target.read_bytes() if target.is_file() else None
            where = str(target)
        else:
            gitdir = git_dir(ns.mirror, doc["repo"])
            if gitdir is None:
                missing_repos.add(doc["repo"])
                ok = False
                continue
            data = read_blob(gitdir, doc["commit"], doc["path"])
            where = f"{doc['repo']}@{doc['commit'][:10]}:{doc['path']}"
        if data is None:
            print(f"{doc['id']}: missing ({where})")
            ok = False
            continue
        digest = hashlib.sha256(data).hexdigest()
        if digest != doc["sha256"] or len(data) != doc["bytes"]:
            print(f"{doc['id']}: SHA-256 or size differs ({where}: {digest[:12]}, {len(data)} bytes)")
            ok = False
            continue
        if not ns.check:
            target.write_bytes(data)
        print(f"{doc['id']}: {'ok' if ns.check else 'written'} {doc['file']} ({len(data)} bytes)")
    for repo in sorted(missing_repos):
        print(f"no snapshot of {repo} under {ns.mirror}: fetch github:{repo} first")
    if not ns.check:
        (ns.out / "fields.json").write_text(json.dumps(fields, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        (ns.out / "SOURCES.md").write_text(sources_md(sources), encoding="utf-8")
        print(f"wrote {ns.out / 'fields.json'} ({len(fields['documents'])} documents) and {ns.out / 'SOURCES.md'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
