"""Screenshots of the portal's home page for the README (docs/screenshots/).

    .venv/bin/python scripts/screenshots.py                  # demo data, its own server
    .venv/bin/python scripts/screenshots.py --base-url http://127.0.0.1:8000   # a running one

Without --base-url it builds the demo province in a throwaway SQLite database (--db,
/tmp/shots.sqlite3 by default: `migrate` and `seed_demo`, kept for the next run), serves
it with `runserver` on a free port, takes the pictures and stops that server. Each picture
is the home page as a first-time visitor sees it, chosen through the header's links:

    home-<mode>.png         standard, eye, contrast, elder; English, 1280×900
    home-standard-zh.png    standard, Chinese, 1280×900
    home-phone-elder.png    elder mode, English, a 360×740 phone

The guide's print view (guide-print.png) is written by the browser test
onevisit/portal/tests/browser/test_print.py with ONEVISIT_SCREENSHOTS=1.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("ONEVISIT_CHROMIUM", "/usr/bin/chromium")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
#: (file name, reading mode, language, viewport)
SHOTS = [
    ("home-standard.png", "standard", "en", DESKTOP),
    ("home-eye.png", "eye", "en", DESKTOP),
    ("home-contrast.png", "contrast", "en", DESKTOP),
    ("home-elder.png", "elder", "en", DESKTOP),
    ("home-standard-zh.png", "standard", "zh-hans", DESKTOP),
    ("home-phone-elder.png", "elder", "en", PHONE),
]


def _manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped (exit code {server.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {seconds:.0f} s")


@contextlib.contextmanager
def demo_server(db: Path):
    """The demo in `db` (built when missing), served on a free port until the block ends."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "DEBUG": "1"}
    if not db.exists():
        print(f"Building the demo in {db} (a few minutes)...")
        _manage(env, "migrate", "--noinput", "-v", "0")
        _manage(env, "seed_demo")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_until_up(url + "/", server)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def take(base_url: str, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        try:
            for name, mode, language, viewport in SHOTS:
                context = browser.new_context(
                    base_url=base_url, locale="en-GB", viewport=viewport, device_scale_factor=1
                )
                page = context.new_page()
                page.goto(f"/lang/{language}/?next=/")
                page.goto(f"/mode/{mode}/?next=/")
                page.wait_for_load_state("networkidle")
                classes = page.locator("html").get_attribute("class") or ""
                if f"mode-{mode}" not in classes.split():
                    raise SystemExit(f"{name}: the page is not in the {mode} mode ({classes!r})")
                path = out / name
                page.screenshot(path=path)
                written.append(path)
                context.close()
        finally:
            browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", help="a running onevisit with the demo data")
    parser.add_argument("--db", type=Path, default=Path("/tmp/shots.sqlite3"))  # noqa: S108
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    if args.base_url:
        written = take(args.base_url.rstrip("/"), args.out)
    else:
        with demo_server(args.db.resolve()) as url:
            written = take(url, args.out)
    for path in written:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
