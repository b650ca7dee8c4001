"""The app in a real browser: Debian's Chromium driven through Selenium and chromedriver.

Skips where Chromium, chromedriver or Selenium is absent, unless NEWSFRAME_REQUIRE_BROWSER=1
(as .ci/run sets), under which a missing browser fails. NEWSFRAME_SCREENSHOT_DIR=DIR also
saves the screenshots there (docs/app.png is made that way).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WAIT_S = 60


def _require_browser():
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).exists()]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium (pip install -c constraints.txt -e '.[test]')")
    if missing:
        message = f"no real browser: missing {', '.join(missing)} (apt-get install chromium chromium-driver)"
        if os.environ.get("NEWSFRAME_REQUIRE_BROWSER") == "1":
            pytest.fail(message + "; NEWSFRAME_REQUIRE_BROWSER=1 forbids skipping")
        pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    _require_browser()
    port = _free_port()
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    env = {**os.environ, "NEWSFRAME_FEEDBACK_DB": str(log.parent / "feedback.sqlite3")}
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app" / "app.py"), "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]
    with log.open("w") as fh:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + WAIT_S
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start: {log.read_text()[-2000:]}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def browser(server, tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1400,2600", f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _screenshot(driver, tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    assert driver.save_screenshot(str(path))
    extra = os.environ.get("NEWSFRAME_SCREENSHOT_DIR")
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(extra) / name)
    return path


def _open(driver, url):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(url)
    wait = WebDriverWait(driver, WAIT_S)
    area = wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, "textarea")))
    button = wait.until(EC.element_to_be_clickable((By.XPATH, "//button[.//p[text()='Analyze']]")))
    return wait, area, button


def _framed(driver, frame: str, needle: str):
    from selenium.webdriver.common.by import By

    for el in driver.find_elements(By.CSS_SELECTOR, f'.nf-article [data-frame="{frame}"]'):
        if needle in el.text:
            return el
    return False


def test_browser_shows_the_seed_article_highlighted_by_frame(server, browser, tmp_path):
    wait, _, button = _open(browser, server)
    t0 = time.perf_counter()
    button.click()
    peskov = wait.until(lambda d: _framed(d, "denial", "Peskov"))
    seconds = time.perf_counter() - t0
    assert wait.until(lambda d: _framed(d, "confirmation", "appear to be genuine"))
    assert "denial" in peskov.get_attribute("title")
    browser.execute_script("window.scrollTo(0, 0)")
    shot = _screenshot(browser, tmp_path, "app.png")
    print(f"seed article: Analyze click to highlighted sentences in {seconds:.2f} s; screenshot {shot}")
    assert shot.stat().st_size > 10_000


def test_browser_shows_who_said_what_below_the_article(server, browser, tmp_path):
    from selenium.webdriver.common.by import By

    wait, _, button = _open(browser, server)
    button.click()
    heading = wait.until(lambda d: next((h for h in d.find_elements(By.TAG_NAME, "h3") if h.text == "Who said what"), False))
    table = wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, '[data-testid="stDataFrame"]'))
    browser.execute_script("arguments[0].scrollIntoView()", heading)
    time.sleep(1)  # the table's canvas draws after it scrolls into view
    shot = _screenshot(browser, tmp_path, "app-who.png")
    assert table and shot.stat().st_size > 10_000


def test_browser_pasted_text_is_framed_and_escaped(server, browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    wait, area, button = _open(browser, server)
    area.send_keys(Keys.CONTROL, "a")
    area.send_keys(Keys.DELETE)
    area.send_keys("The minister denied the report <img src=x onerror=alert(1)>. Talks may resume next week.")
    button.click()
    assert wait.until(lambda d: _framed(d, "denial", "minister denied"))
    assert wait.until(lambda d: _framed(d, "speculation", "may resume"))
    article = browser.find_element(By.CSS_SELECTOR, ".nf-article")
    assert "<img src=x onerror=alert(1)>" in article.text
    assert not article.find_elements(By.TAG_NAME, "img")
    _screenshot(browser, tmp_path, "app-pasted.png")
