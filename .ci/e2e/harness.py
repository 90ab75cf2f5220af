"""Shared harness for the E2E tests: the real Lamina Desktop binary through tauri-driver +
WebKitWebDriver. .ci/e2e.sh runs every `test_*.py` here under Xvfb inside a D-Bus session with a real
keyring, each on its own empty data folder (so each starts on onboarding). Screenshots land in
$E2E_ARTIFACTS, named `<test file>-<step>.png` by `shot`.
"""

import glob
import os
import sqlite3
import subprocess
import sys
import time
import unittest

from selenium import webdriver
from selenium.common.exceptions import (
    NoSuchElementException,
    StaleElementReferenceException,
    TimeoutException,
    WebDriverException,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.common.options import ArgOptions
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

APP = os.environ["LAMINA_APP_BINARY"]
ARTIFACTS = os.environ.get("E2E_ARTIFACTS", "artifacts/e2e")
DRIVER = os.environ.get("TAURI_DRIVER_URL", "http://127.0.0.1:4444")


# Run events re-render lists while a test reads them: a stale element is retried, not a failure.
LIVE_UPDATES = (StaleElementReferenceException,)


def newest_output(data_dir):
    """The service's address of the newest run's first output, from the app's history."""
    for db in glob.glob(os.path.join(data_dir, "**", "history.sqlite3"), recursive=True):
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            row = conn.execute(
                "SELECT o.value FROM outputs o JOIN runs r ON r.local_id = o.local_id "
                "WHERE o.idx = 0 AND o.value IS NOT NULL ORDER BY r.created_at DESC LIMIT 1"
            ).fetchone()
            if row:
                return row[0]
    raise AssertionError(f"no output in the history under {data_dir}")


def start_service(log_name, key, *flags):
    """`lamina-sandbox` as its own process on E2E_SERVICE_PORT (e2e.sh points the app's
    LAMINA_BASE_URL there), for an account whose key is `key`, once it listens. Its log (and its
    "listening on" line) goes to `log_name` in the artifacts: a pipe nobody drains would block it."""
    port = os.environ["E2E_SERVICE_PORT"]
    os.makedirs(ARTIFACTS, exist_ok=True)
    log_path = os.path.join(ARTIFACTS, log_name)
    with open(log_path, "w") as log:
        service = subprocess.Popen(
            [os.environ["LAMINA_SANDBOX_BINARY"], *flags]
            + ["--port", port, "--speed", "4", "--key", key],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.time() + 30
    while f"listening on http://127.0.0.1:{port}" not in read(log_path):
        if service.poll() is not None or time.time() > deadline:
            service.kill()
            raise RuntimeError(f"the sandbox did not start:\n{read(log_path)}")
        time.sleep(0.1)
    return service


def read(path):
    with open(path) as file:
        return file.read()


def testid(name):
    return (By.CSS_SELECTOR, f'[data-testid="{name}"]')


class LaminaDesktop(unittest.TestCase):
    """Base class: launches the app once per test class; subclasses add `test_*` methods."""

    PREFIX = ""

    @classmethod
    def setUpClass(cls):
        os.makedirs(ARTIFACTS, exist_ok=True)
        cls.launch()

    @classmethod
    def launch(cls):
        """Starts the app binary (a new process on the same data folder each time)."""
        options = ArgOptions()
        options.set_capability("browserName", "wry")
        options.set_capability("tauri:options", {"application": APP})
        cls.driver = webdriver.Remote(command_executor=DRIVER, options=options)
        cls.wait = WebDriverWait(cls.driver, 30, ignored_exceptions=LIVE_UPDATES)
        # The session can start while the web view is still navigating to the app: wait until
        # the app's page has loaded, riding out "unload" errors from that first navigation.
        deadline = time.time() + 30
        while True:
            try:
                if cls.driver.execute_script(
                    "return document.readyState === 'complete' && !!document.querySelector('#root > *')"
                ):
                    break
            except WebDriverException:
                pass
            if time.time() > deadline:
                raise TimeoutException("the app page did not load")
            time.sleep(0.2)

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()

    def force_theme(self, theme):
        """Sets the page's theme directly, the way the app's own switch does (transitions off for
        a frame: WebKitGTK otherwise leaves transitioned buttons on their old colour)."""
        self.driver.execute_script(
            """const root = document.documentElement;
            root.classList.add("theme-switching");
            root.dataset.theme = arguments[0];
            void root.offsetHeight;
            requestAnimationFrame(() => root.classList.remove("theme-switching"));""",
            theme,
        )
        time.sleep(0.3)

    def shots(self, name):
        """The same step in light and in dark (the page left light)."""
        self.force_theme("light")
        self.shot(f"{name}-light")
        self.force_theme("dark")
        self.shot(f"{name}-dark")
        self.force_theme("light")

    def wait_images_shown(self, timeout=20):
        """Every image inside the window has been decoded (lazy ones load as they scroll in), so a
        screenshot never shows an empty frame where a picture is on its way. A picture that never
        arrives is for the test's own assertions to name, so this only waits."""
        try:
            WebDriverWait(self.driver, timeout).until(
                lambda d: d.execute_script(
                    """return [...document.images].every((i) => {
                      const r = i.getBoundingClientRect();
                      const inside = r.width > 0 && r.bottom > 0 && r.top < innerHeight;
                      return !inside || (i.complete && i.naturalWidth > 0);
                    });"""
                )
            )
        except TimeoutException:
            print(f"images still loading after {timeout} s; taking the screenshot anyway")
        # A decoded picture is painted in a later frame than the one that finished loading it.
        time.sleep(0.5)

    def shot(self, name):
        self.driver.save_screenshot(os.path.join(ARTIFACTS, f"{self.PREFIX}{name}.png"))

    def find(self, name):
        try:
            return self.wait.until(ec.visibility_of_element_located(testid(name)))
        except TimeoutException:
            self.report_failure(f"no visible {name}")
            raise

    def report_failure(self, what):
        """A screenshot and the page's text, so a failure on CI can be understood afterwards."""
        try:
            self.shot(f"FAILED-{what.replace(' ', '-')}")
            text = self.driver.find_element(By.TAG_NAME, "body").text
            print(f"\n{what}; the page said:\n{text[:1500]}", file=sys.stderr)
        except WebDriverException as error:
            print(f"\n{what}; the page could not be read: {error}", file=sys.stderr)

    def wait_text(self, name, needle):
        """The element's text once it contains `needle`; re-finds it if a live update replaced it."""

        def text(d):
            try:
                found = d.find_element(*testid(name)).text
            except (StaleElementReferenceException, NoSuchElementException):
                return None
            return found if needle in found else None

        return self.wait.until(text)

    def click(self, name):
        self.wait.until(ec.element_to_be_clickable(testid(name))).click()

    def open_app(self, name):
        self.click("nav-apps")
        search = self.find("catalog-search")
        search.clear()
        search.send_keys(name.split()[0])
        card = self.wait.until(
            lambda d: next(
                (c for c in d.find_elements(*testid("app-card")) if name in c.text), None
            )
        )
        card.click()
        self.find("dynamic-form")

    def choose_demo(self):
        """From onboarding on a fresh data folder into the demo workspace's catalog."""
        self.find("onboarding")
        self.click("try-demo")
        self.find("demo-badge")

    def enter_demo(self):
        """Into the demo workspace: through onboarding on a fresh data folder; a reused one may
        already be in the demo."""
        try:
            WebDriverWait(self.driver, 10).until(
                lambda d: d.find_elements(*testid("onboarding"))
                or d.find_elements(*testid("demo-badge"))
            )
        except TimeoutException:
            pass
        if self.driver.find_elements(*testid("onboarding")):
            self.choose_demo()
        self.find("demo-badge")

    def set_value(self, element, text):
        """Types into a React-controlled field in one go (send_keys per key is slow under Xvfb)."""
        proto = "HTMLTextAreaElement" if element.tag_name == "textarea" else "HTMLInputElement"
        self.driver.execute_script(
            f"""const el = arguments[0];
               const set = Object.getOwnPropertyDescriptor({proto}.prototype, 'value').set;
               set.call(el, arguments[1]);
               el.dispatchEvent(new Event('input', {{ bubbles: true }}));""",
            element,
            text,
        )

    def open_new_batch(self, app):
        """The Batch screen's form for a new batch, with `app` chosen."""
        self.click("nav-batch")
        self.find("batch-page")
        if not self.driver.find_elements(*testid("batch-new")):
            self.click("batch-new-button")
        self.find("batch-new")
        select = self.find("batch-app")
        self.wait.until(lambda d: len(Select(select).options) > 1)
        Select(select).select_by_visible_text(app)

    def wait_finished_run(self):
        """The first run card that completed or failed, within 120 s."""
        try:
            return WebDriverWait(self.driver, 120, ignored_exceptions=LIVE_UPDATES).until(
                lambda d: next(
                    (
                        c
                        for c in d.find_elements(*testid("run-card"))
                        if c.get_attribute("data-status") in ("completed", "failed")
                    ),
                    None,
                )
            )
        except TimeoutException:
            self.report_failure("no finished run")
            raise


def main():
    """Runs the calling module's tests and prints the one-line summary e2e.sh collects."""
    result = unittest.main(module="__main__", exit=False, verbosity=2).result
    failed = len(result.failures) + len(result.errors)
    passed = max(result.testsRun - len(result.failures) - len(result.errors), 0)
    print(f"e2e: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
