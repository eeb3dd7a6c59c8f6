"""`planocr review`'s HTTP API and its security rules (pipeline/review/server.py, records.py), against a real
server on a free loopback port over an OUTDIR of real records (test_review_support)."""

from __future__ import annotations

import csv
import http.client
import json
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import cv2
import jsonschema
import numpy as np
import pytest
from pipeline.testing.review_outdirs import SCAN, SCAN_NAME, TEXT_NAME, make_outdir, manifest_lines, read_record

from pipeline.batch.manifest import Manifest
from pipeline.export import export_records
from pipeline.review import make_server
from pipeline.review.render import CACHE

ROOT = Path(__file__).resolve().parent.parent
VALIDATOR = jsonschema.Draft202012Validator(json.loads((ROOT / "schemas" / "plan.schema.json").read_text()))


class Client:
    def __init__(self, server, outdir: Path):
        self.server = server
        self.outdir = outdir
        self.port = server.port
        self.token = server.token

    def request(self, method, path, body=None, *, token=True, headers=None, host=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {"Host": host or f"127.0.0.1:{self.port}"}
        if token:
            sent["X-Planocr-Token"] = self.token if token is True else token
        if body is not None and not isinstance(body, bytes):
            body = json.dumps(body, ensure_ascii=False).encode()
            sent["Content-Type"] = "application/json"
        sent.update(headers or {})
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        data = response.read()
        conn.close()
        kind = response.getheader("Content-Type", "")
        return response.status, response, json.loads(data) if kind.startswith("application/json") else data

    def document(self, name=SCAN_NAME):
        status, _, body = self.request("GET", f"/api/documents/{name}")
        assert status == 200
        return body

    def edit(self, change, *, version=None, name=SCAN_NAME, headers=None, **kwargs):
        headers = {"If-Match": f'"{version or self.document(name)["version"]}"', **(headers or {})}
        return self.request("POST", f"/api/documents/{name}/edits", change, headers=headers, **kwargs)


@pytest.fixture
def client(tmp_path):
    outdir = make_outdir(tmp_path / "out")
    server = make_server(outdir, "127.0.0.1", 0, "tester")
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield Client(server, outdir)
    server.shutdown()
    server.server_close()


def test_cli_prints_the_url_with_its_token_first_and_serves_the_manifest_records(tmp_path):
    outdir = make_outdir(tmp_path / "out")
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "review", str(outdir), "--port", "0", "--reviewer", "Lan"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        first = proc.stdout.readline().strip()
        match = re.fullmatch(r"http://127\.0\.0\.1:(\d+)/\?token=([A-Za-z0-9_-]{40,})", first)
        assert match, first
        port, token = int(match.group(1)), match.group(2)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/api/documents", headers={"X-Planocr-Token": token})
        body = json.loads(conn.getresponse().read())
        assert sorted(d["name"] for d in body["documents"]) == [TEXT_NAME, SCAN_NAME]
        conn.request("GET", "/api/documents")
        assert conn.getresponse().status == 401
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0 and "2 record(s)" in err and "for Lan" in err


def test_cli_refuses_a_folder_without_manifest_and_a_busy_port(tmp_path):
    def review(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "pipeline", "review", *args], capture_output=True, text=True, cwd=ROOT, timeout=60
        )

    done = review(str(tmp_path))
    assert done.returncode == 2 and "no manifest.jsonl here" in done.stderr and done.stdout == ""
    outdir = make_outdir(tmp_path / "out")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        done = review(str(outdir), "--port", str(taken.getsockname()[1]))
    assert done.returncode == 2 and "cannot listen on 127.0.0.1:" in done.stderr and done.stdout == ""


def test_the_api_lists_the_documents_most_in_need_first_with_progress(client):
    status, response, body = client.request("GET", "/api/documents")
    assert status == 200 and response.getheader("Cache-Control") == "no-store"
    assert body["progress"] == {"reviewed": 0, "to_review": 2, "total": 2}
    first, second = body["documents"]
    assert first["name"] == SCAN_NAME and second["name"] == TEXT_NAME  # the scan has more to check
    assert first["score"] > second["score"]
    assert first["low_confidence"] == 1 and first["corrections"] == 2 and "date" in first["missing"]


def test_a_document_has_its_record_version_fields_items_and_page_image(client):
    status, response, body = client.request("GET", f"/api/documents/{SCAN_NAME}")
    assert status == 200 and response.getheader("ETag") == f'"{body["version"]}"'
    assert body["record"]["source"]["file"] == "kh-tan-ky.lowres.png"
    number = next(f for f in body["fields"] if f["field"] == "number")
    assert number["value"] == "/KH-UBND" and number["missing"] and number["locations"][0]["page"] == 1
    assert [i["kind"] for i in body["items"]][:4] == ["field"] * 4
    assert body["pages"][0]["size"] == [585, 827] and body["pages"][0]["image"].endswith("/pages/1/image")


def test_a_field_edit_with_the_token_changes_the_record_on_disk_with_before_and_after(client):
    before = client.document()
    status, response, body = client.edit({"field": "number", "value": "01/KH-UBND"}, version=before["version"])
    assert status == 200
    record = read_record(client.outdir, SCAN_NAME)
    VALIDATOR.validate(record)
    assert (record["number"], record["serial"]) == ("01/KH-UBND", "01")
    first = record["review"][0]
    assert (first["what"], first["before"], first["after"], first["who"]) == (
        "field number",
        "/KH-UBND",
        "01/KH-UBND",
        "tester",
    )
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", first["time"])
    assert body["entries"] == record["review"]
    assert body["document"]["version"] != before["version"]
    assert response.getheader("ETag") == f'"{body["document"]["version"]}"'
    assert not list(client.outdir.glob(".*.tmp"))  # written atomically, nothing left behind


def test_nothing_changes_without_the_token(client):
    original = (client.outdir / f"{SCAN_NAME}.json").read_bytes()
    version = client.document()["version"]
    change = {"field": "number", "value": "99/KH-UBND"}
    assert client.edit(change, version=version, token=False)[0] == 401
    assert client.edit(change, version=version, token="not-the-token")[0] == 403
    # a cookie alone (what another site's form could make the browser send) reads but never writes
    cookie = {"Cookie": f"{client.server.cookie_name}={client.token}"}
    assert client.request("GET", "/api/documents", token=False, headers=cookie)[0] == 200
    status, _, body = client.edit(change, version=version, token=False, headers=cookie)
    assert status == 403 and "X-Planocr-Token" in body["error"]
    assert client.request("GET", "/api/documents", token=False)[0] == 401
    assert client.request("GET", f"/api/documents?token={client.token}", token=False)[0] == 401  # URL: first load only
    assert client.request("GET", f"/api/documents/{SCAN_NAME}/pages/1/image", token=False)[0] == 401
    assert (client.outdir / f"{SCAN_NAME}.json").read_bytes() == original


@pytest.mark.parametrize(
    "path",
    [
        "/api/documents/../../etc/passwd",
        "/api/documents/..%2F..%2Fetc%2Fpasswd",
        "/api/documents/%2Fetc%2Fpasswd",
        "/api/documents/..",
        "/api/documents/.",
        "/api/documents/kh-tan-ky.lowres.json",
        "/api/documents/manifest",
        "/api/documents/unlisted",
        "/api/documents/../../etc/passwd/edits",
        "/static/../server.py",
        "/static/..%2Fserver.py",
        "/etc/passwd",
    ],
)
def test_names_resolve_only_to_the_manifest_records(client, path):
    shutil.copyfile(client.outdir / f"{SCAN_NAME}.json", client.outdir / "unlisted.json")  # on disk, not listed
    method, body = ("POST", {"field": "title", "value": "x"}) if path.endswith("/edits") else ("GET", None)
    status, _, _ = client.request(method, path, body, headers={"If-Match": '"x"'})
    assert status == 404


def test_a_manifest_line_pointing_outside_outdir_is_not_served(client):
    with (client.outdir / "manifest.jsonl").open("a", encoding="utf-8") as handle:
        line = {"input": "/x/evil.pdf", "resolved": "/x/evil.pdf", "status": "ok", "output": "../evil.json"}
        handle.write(json.dumps(line) + "\n")
    names = [d["name"] for d in client.request("GET", "/api/documents")[2]["documents"]]
    assert sorted(names) == [TEXT_NAME, SCAN_NAME]


def test_two_tabs_editing_one_record_lose_no_edit(client):
    tab1 = client.document()["version"]
    tab2 = client.document()["version"]
    assert client.edit({"field": "title", "value": "Tiêu đề một"}, version=tab1)[0] == 200
    status, _, body = client.edit({"field": "place", "value": "Tân Kỳ"}, version=tab2)
    assert status == 409 and body["version"] != tab2
    assert read_record(client.outdir, SCAN_NAME)["place"] is None  # the stale edit wrote nothing
    assert client.edit({"field": "place", "value": "Tân Kỳ"}, version=body["version"])[0] == 200  # after reloading
    record = read_record(client.outdir, SCAN_NAME)
    assert (record["title"], record["place"]) == ("Tiêu đề một", "Tân Kỳ")
    assert [e["what"] for e in record["review"]] == ["field title", "field place"]
    # the version may also travel in the body
    status, _, _ = client.request(
        "POST",
        f"/api/documents/{SCAN_NAME}/edits",
        {"field": "place", "value": "Tân Kỳ 2", "version": client.document()["version"]},
    )
    assert status == 200


def test_request_bodies_are_checked_before_anything_is_written(client):
    original = (client.outdir / f"{SCAN_NAME}.json").read_bytes()
    path = f"/api/documents/{SCAN_NAME}/edits"
    version = {"If-Match": f'"{client.document()["version"]}"'}
    big = json.dumps({"field": "title", "value": "x" * 70_000}).encode()
    assert client.request("POST", path, big, headers={**version, "Content-Type": "application/json"})[0] == 413
    plain = {**version, "Content-Type": "text/plain"}
    assert client.request("POST", path, b'{"field": "title", "value": "x"}', headers=plain)[0] == 415
    status, _, body = client.request(
        "POST", path, b"{not json", headers={**version, "Content-Type": "application/json"}
    )
    assert status == 400
    assert client.request("POST", path, {"field": "title", "value": "x"})[0] == 428  # no version
    assert client.request("PUT", path, {"field": "title", "value": "x"}, headers=version)[0] == 405
    assert client.edit({"field": "source", "value": "x"})[0] == 422
    # no Content-Length at all
    conn = http.client.HTTPConnection("127.0.0.1", client.port, timeout=30)
    conn.putrequest("POST", path, skip_host=True)
    for name, value in {"Host": f"127.0.0.1:{client.port}", "X-Planocr-Token": client.token, **version}.items():
        conn.putheader(name, value)
    conn.putheader("Content-Type", "application/json")
    conn.endheaders()
    assert conn.getresponse().status == 411
    conn.close()
    assert (client.outdir / f"{SCAN_NAME}.json").read_bytes() == original


def test_a_foreign_host_name_is_refused_against_dns_rebinding(client):
    status, _, body = client.request("GET", "/api/documents", host="evil.example:80")
    assert status == 403 and "Host" in body["error"]
    assert client.request("GET", "/api/documents", host=f"evil.example:{client.port}")[0] == 403
    assert client.request("GET", "/api/documents", host=f"localhost:{client.port}")[0] == 200


def test_edits_wait_while_a_run_writes_the_folder(client):
    version = client.document()["version"]
    run = Manifest(client.outdir)  # what `planocr run` holds for a whole run
    try:
        status, response, _ = client.edit({"field": "title", "value": "x"}, version=version)
        assert status == 503 and response.getheader("Retry-After")
    finally:
        run.close()
    assert read_record(client.outdir, SCAN_NAME)["review"] == []
    assert client.edit({"field": "title", "value": "x"}, version=version)[0] == 200


def test_marking_reviewed_is_in_the_record_and_the_manifest_and_export_has_the_reviewed_values(client, tmp_path):
    client.edit({"field": "number", "value": "01/KH-UBND"})
    status, _, body = client.edit({"reviewed": True})
    assert status == 200 and body["document"]["record"]["reviewed"] is True
    last = manifest_lines(client.outdir)[-1]
    assert (last["status"], last["reviewed"], last["output"], last["reviewer"]) == (
        "ok",
        True,
        f"{SCAN_NAME}.json",
        "tester",
    )
    assert last["resolved"] == str(SCAN.resolve()) and last["run"] == "review"
    listing = client.request("GET", "/api/documents")[2]
    assert listing["progress"] == {"reviewed": 1, "to_review": 1, "total": 2}
    assert listing["documents"][-1]["name"] == SCAN_NAME  # reviewed documents go last
    report = export_records(client.outdir, tmp_path / "plans.csv")
    assert report.records == 2 and not report.skipped
    with (tmp_path / "plans_documents.csv").open(encoding="utf-8-sig") as handle:
        rows = {row["record"]: row for row in csv.DictReader(handle)}
    row = rows[f"{SCAN_NAME}.json"]
    assert (row["number"], row["serial"], row["reviewed"]) == ("01/KH-UBND", "01", "true")
    assert int(row["n_review_changes"]) == 3  # number, serial (from number), reviewed


def test_page_images_are_drawn_from_the_source_and_cached(client):
    status, response, data = client.request("GET", f"/api/documents/{SCAN_NAME}/pages/1/image")
    assert status == 200 and response.getheader("Content-Type") == "image/jpeg" and data[:3] == b"\xff\xd8\xff"
    cached = list((client.outdir / CACHE).glob("*.jpg"))
    assert len(cached) == 1 and cached[0].read_bytes() == data
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    assert image.shape[1] == 585 and image.shape[0] == 827  # the raster the word boxes were measured on
    assert client.request("GET", f"/api/documents/{SCAN_NAME}/pages/2/image")[0] == 404
    assert client.request("GET", f"/api/documents/{TEXT_NAME}/pages/1/image")[0] == 404


def test_a_changed_source_is_not_drawn(tmp_path):
    source = tmp_path / "scan.png"
    shutil.copyfile(SCAN, source)
    outdir = make_outdir(tmp_path / "out", scan_source=source)
    server = make_server(outdir, "127.0.0.1", 0, "tester")
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        client = Client(server, outdir)
        source.write_bytes(source.read_bytes() + b"\0")
        status, _, body = client.request("GET", f"/api/documents/{SCAN_NAME}/pages/1/image")
        assert status == 404 and "changed" in body["error"]
    finally:
        server.shutdown()
        server.server_close()


def test_the_page_is_served_after_trading_the_url_token_for_a_cookie(client):
    status, response, _ = client.request("GET", f"/?token={client.token}", token=False)
    assert status == 303 and response.getheader("Location") == "/"
    cookie = response.getheader("Set-Cookie")
    assert cookie.startswith(f"{client.server.cookie_name}={client.token};")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert client.request("GET", "/?token=wrong", token=False)[0] == 403
    assert client.request("GET", "/", token=False)[0] == 401
    status, response, html = client.request("GET", "/", token=False, headers={"Cookie": cookie.split(";")[0]})
    assert status == 200 and f'content="{client.token}"'.encode() in html
    csp = response.getheader("Content-Security-Policy")
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.getheader("Referrer-Policy") == "no-referrer"  # the token never leaves in a Referer
    for name in ("app.js", "app.css"):
        assert client.request("GET", f"/static/{name}", token=False)[0] == 200


def test_concurrent_edits_from_threads_are_applied_one_at_a_time(client):
    results: list[int] = []

    def tab(n: int) -> None:
        for _ in range(20):  # reload and retry on conflict, as the page does
            status = client.edit({"field": "recipients", "value": [f"Nơi nhận {n}"]})[0]
            if status != 409:
                results.append(status)
                return
            time.sleep(0.01)

    threads = [threading.Thread(target=tab, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [200] * 4
    record = read_record(client.outdir, SCAN_NAME)
    assert len([e for e in record["review"] if e["what"] == "field recipients"]) == 4
