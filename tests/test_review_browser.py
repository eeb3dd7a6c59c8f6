"""The review page in a real browser: Debian's headless Chromium driven by Playwright's Python client
(pointed at /usr/bin/chromium; no browser download). Open the queue, open the document, fix a field and
a word with the keyboard only, reload, and see the change and its history; then mark the document reviewed.

Run as a script to remake the README's screenshots from an OUTDIR of `planocr run`:
    python tests/test_review_browser.py OUTDIR docs/
"""

from __future__ import annotations

import shutil
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pipeline.testing.review_outdirs import SCAN_NAME, TEXT_NAME, make_outdir, read_record

from pipeline.review import make_server

CHROMIUM = Path(shutil.which("chromium") or "/usr/bin/chromium")
# As root on a closed network: no sandbox, no GPU, no calls home (refused here, many at a time).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 900}

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"Chromium is not installed ({CHROMIUM}): apt-get install chromium"
)


def served(outdir: Path):
    server = make_server(outdir, "127.0.0.1", 0, "Lan")
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server


def browser_page(playwright, errors: list[str]):
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    page = browser.new_page(viewport=VIEWPORT)
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.set_default_timeout(10_000)
    return browser, page


@pytest.fixture
def playwright() -> Iterator:
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright's Python client is not installed")
    with sync_api.sync_playwright() as p:
        yield p


def current_kind(page) -> str:
    return page.inner_text("#item-kind")


def test_fix_a_field_and_a_word_with_the_keyboard_reload_and_see_them_with_their_history(tmp_path, playwright):
    outdir = make_outdir(tmp_path / "out")
    server = served(outdir)
    errors: list[str] = []
    browser, page = browser_page(playwright, errors)
    try:
        # the queue: most in need first, progress of the batch
        page.goto(server.url)
        page.wait_for_selector("#queue tbody tr")
        assert page.url.endswith("/")  # the token left the address bar for an HttpOnly cookie
        rows = page.locator("#queue tbody tr")
        assert rows.count() == 2 and rows.nth(0).get_attribute("data-name") == SCAN_NAME
        assert page.inner_text("#progress-text") == "0 reviewed / 2 to review"
        page.screenshot(path=str(tmp_path / "queue.png"))

        # open it: the page image under its word boxes
        with page.expect_response(lambda r: r.url.endswith(f"/api/documents/{SCAN_NAME}/pages/1/image")) as image:
            page.keyboard.press("Enter")
        assert image.value.status == 200 and image.value.header_value("content-type") == "image/jpeg"
        page.wait_for_selector("#page svg rect.w")
        assert page.locator("#page svg rect.corr").count() == 2  # the two restoration corrections
        assert page.locator("#page svg rect.low").count() == 1  # "tháng", 45%

        # the field: j selects the first (number), e edits, Home + "01" fills the handwritten serial
        page.keyboard.press("j")
        assert page.get_attribute("#fields dd.selected", "data-field") == "number"
        assert page.locator("#page svg rect.field").count() == 1  # where "/KH-UBND" was read
        page.keyboard.press("e")
        assert page.input_value("#editor-input") == "/KH-UBND"
        page.keyboard.press("Home")
        page.keyboard.type("01")
        page.keyboard.press("Enter")
        page.wait_for_selector('#fields dd[data-field="serial"]:has-text("01")')

        # the word: n steps through what is uncertain to the date line's "ngụy" (OCR read "ngửy")
        for _ in range(8):
            page.keyboard.press("n")
            if current_kind(page).startswith("restoration correction, page 1 line 9"):
                break
        assert page.inner_text("#word-text") == "ngửy→ngụy"
        page.keyboard.press("e")
        assert page.input_value("#editor-input") == "ngụy"
        page.keyboard.press("Control+A")
        page.keyboard.type("ngày")
        page.keyboard.press("Enter")
        page.wait_for_selector('#fields dd[data-field="date"]:has-text("2026-03")')  # re-read from the fixed line

        # reload: the changes and their history are there
        page.reload()
        page.wait_for_selector("#history li .what")
        assert page.url.endswith(f"#doc/{SCAN_NAME}")
        assert page.inner_text('#fields dd[data-field="number"]').startswith("01/KH-UBND")
        assert page.inner_text('#fields dd[data-field="date"]').startswith("2026-03")
        history = page.locator("#history li .what").all_inner_texts()
        assert history == [
            "field date (re-read after word 1/27)",
            "field place (re-read after word 1/27)",
            "word 1/27",
            "field serial (from number)",
            "field number",
        ]
        assert "ngụy → ngày" in page.inner_text("#history")
        assert page.get_attribute('#page svg rect[data-word="27"]', "class") == "w edited"
        page.screenshot(path=str(tmp_path / "document.png"))

        # done: r marks it reviewed, u goes back to the queue, which counts it
        page.keyboard.press("r")
        page.wait_for_selector("#mark-reviewed.done")
        page.keyboard.press("u")
        page.wait_for_selector("#queue tbody tr")
        assert page.inner_text("#progress-text") == "1 reviewed / 1 to review"
        assert page.locator("#queue tbody tr").count() == 1  # "to review" hides it
        assert page.locator("#queue tbody tr").nth(0).get_attribute("data-name") == TEXT_NAME
    finally:
        browser.close()
        server.shutdown()
        server.server_close()
    assert errors == []
    record = read_record(outdir, SCAN_NAME)
    assert (record["number"], record["serial"], record["date"], record["reviewed"]) == (
        "01/KH-UBND",
        "01",
        "2026-03",
        True,
    )
    assert record["pages"][0]["words"][27]["text"] == "ngày" and record["review"][-1]["who"] == "Lan"


def take_screenshots(outdir: Path, dest: Path) -> None:
    """docs/review-queue.png and docs/review-document.png from a real OUTDIR (a copy is edited, not it)."""
    from playwright.sync_api import sync_playwright

    work = Path("/tmp/planocr-review-screens")
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(outdir, work, ignore=shutil.ignore_patterns(".review-cache"))
    server = served(work)
    errors: list[str] = []
    with sync_playwright() as p:
        browser, page = browser_page(p, errors)
        page.goto(server.url)
        page.wait_for_selector("#queue tbody tr")
        page.screenshot(path=str(dest / "review-queue.png"))
        page.keyboard.press("Enter")
        page.wait_for_selector("#page svg rect.w")
        page.wait_for_load_state("networkidle")  # the page image
        for _ in range(6):
            page.keyboard.press("n")
            if current_kind(page).startswith(("restoration", "low-confidence")):
                break
        page.wait_for_timeout(300)
        page.screenshot(path=str(dest / "review-document.png"))
        browser.close()
    server.shutdown()
    assert errors == [], errors
    from PIL import Image

    for name in ("review-queue.png", "review-document.png"):  # 256 colours: a third of the bytes, same look
        path = dest / name
        Image.open(path).convert("RGB").quantize(256, method=Image.Quantize.FASTOCTREE).save(path, optimize=True)


if __name__ == "__main__":
    take_screenshots(Path(sys.argv[1]), Path(sys.argv[2]))
