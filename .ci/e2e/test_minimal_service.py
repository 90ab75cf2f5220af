"""E2E: the main flow against a minimal Lamina service as a real account, not the demo.

`lamina-sandbox --minimal` runs as its own process on port E2E_SERVICE_PORT (e2e.sh points the
app's LAMINA_BASE_URL there). It answers only list apps, get an app, start a run and get a run;
every other path is a plain 404 page, the first status read of each run is a 429 and its
startedAt equals completedAt, as an independent server written from the public docs did (issue 16).
Connect with a key, the catalog, a completed run with its image, a failed run, no credits and no
error, a duration that is not "0 s", restart with the key from the keychain, History with both
runs; then the sandbox's counters show each missing endpoint asked at most once.
"""

import json
import os
import re
import time
import urllib.request

from harness import LIVE_UPDATES, LaminaDesktop, main, start_service, testid
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

PORT = int(os.environ["E2E_SERVICE_PORT"])
SERVICE = f"http://127.0.0.1:{PORT}"
# Not the demo key: the account is the user's own.
KEY = "lma_e2e_minimal_account_7f3c"

# Endpoints a minimal service does not have; the app may find each missing once, not per run.
MISSING = [
    "GET /v1/runs",
    "GET /v1/runs/{id}/wait",
    "GET /v1/runs/{id}/stream",
    "GET /v1/account/usage",
    "GET /v1/webhooks/signing-key",
]


def stats():
    with urllib.request.urlopen(f"{SERVICE}/_sandbox/stats", timeout=5) as answer:
        return json.load(answer)


def print_requests(seen):
    print("\nrequests per route at the minimal service:")
    for route, count in sorted(seen["byRoute"].items()):
        print(f"  {count:4d}  {route}")


class MinimalService(LaminaDesktop):
    PREFIX = "minimal-"

    @classmethod
    def setUpClass(cls):
        cls.service = start_service("minimal-sandbox.log", KEY, "--minimal")
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls.service.terminate()
            cls.service.wait(timeout=10)

    def wait_status(self, status, timeout=90):
        try:
            return WebDriverWait(self.driver, timeout, ignored_exceptions=LIVE_UPDATES).until(
                lambda d: next(
                    (
                        c
                        for c in d.find_elements(*testid("run-card"))
                        if c.get_attribute("data-status") == status
                    ),
                    None,
                )
            )
        except TimeoutException:
            self.report_failure(f"no {status} run")
            print_requests(stats())
            raise

    def assert_no_error_shown(self):
        alerts = [a.text for a in self.driver.find_elements(By.CSS_SELECTOR, '[role="alert"]')]
        self.assertEqual([a for a in alerts if a.strip()], [], "no error on screen")
        self.assertEqual(self.driver.find_elements(*testid("usage-badge")), [], "no credits shown")
        self.assertEqual(self.driver.find_elements(*testid("offline-banner")), [], "not offline")

    def test_flow(self):
        try:
            self.flow()
        finally:
            self.forget_key()

    def flow(self):
        # (1) Onboarding: connect the account with the service's key.
        self.find("onboarding")
        self.find("api-key-input").send_keys(KEY)
        self.wait.until(ec.element_to_be_clickable(testid("save-key")))
        self.shot("01-onboarding-key")
        self.click("save-key")

        # (2) The catalog of the account (no demo badge), with no credits and no error.
        cards = self.wait.until(
            lambda d: (lambda c: c if len(c) >= 8 else None)(d.find_elements(*testid("app-card")))
        )
        self.assertEqual(self.driver.find_elements(*testid("demo-badge")), [])
        self.assertTrue(any("Hero Image" in c.text for c in cards))
        self.assertNotIn(KEY, self.driver.page_source, "the key never reaches the web view")
        time.sleep(1)  # the credits query has had its answer
        self.assert_no_error_shown()
        self.shot("02-catalog")

        # (3) Hero Image: completed, its image inline and decoded.
        self.open_app("Hero Image")
        form = self.find("field-Prompt")
        form.find_element(By.NAME, "Prompt").send_keys("A linen shirt on a wooden hanger")
        self.click("generate")
        self.find("run-card")
        self.shot("03-run-started")
        self.wait_status("completed")
        image = self.wait.until(ec.visibility_of_element_located(testid("output-image")))
        WebDriverWait(self.driver, 30, ignored_exceptions=LIVE_UPDATES).until(
            lambda d: d.execute_script(
                "const i = arguments[0]; return i.complete && i.naturalWidth > 0 && i.naturalHeight > 0;",
                image,
            )
        )
        self.assertEqual(
            self.driver.execute_script("return arguments[0].naturalWidth;", image), 1024
        )
        # The service's startedAt equals its completedAt: the duration must not read "0 s".
        elapsed = self.wait.until(
            lambda d: self.wait_status("completed").find_element(By.CSS_SELECTOR, ".run-elapsed").text
        ).strip()
        seconds = re.match(r"\d+", elapsed)
        self.assertTrue(seconds, f"a duration is shown: {elapsed!r}")
        self.assertFalse(re.fullmatch(r"0\s*s", elapsed), f"the duration reads {elapsed!r}")
        self.assert_no_error_shown()
        self.shot("04-run-completed")

        # (4) A failing app: its friendly message, the raw detail behind Details.
        self.open_app("Virtual Try-On")
        self.click("generate")
        self.wait_status("failed")
        friendly = self.find("run-error").text
        self.assertTrue(friendly.strip())
        self.click("details-toggle")
        self.assertIn("capacity", self.find("details").text.lower())
        self.shot("05-run-failed")

        # (5) Quit and start again: the key comes from the keychain, History has both runs.
        self.driver.quit()
        type(self).launch()
        self.wait.until(lambda d: d.find_elements(*testid("app-card")))
        self.assertEqual(self.driver.find_elements(*testid("onboarding")), [])
        self.assertEqual(self.driver.find_elements(*testid("demo-badge")), [])
        self.click("nav-history")
        self.find("history-screen")
        rows = self.wait.until(
            lambda d: (lambda r: r if len(r) >= 2 else None)(d.find_elements(*testid("history-row")))
        )
        statuses = sorted(r.get_attribute("data-status") for r in rows)
        self.assertEqual(statuses, ["completed", "failed"])
        done = next(r for r in rows if r.get_attribute("data-status") == "completed")
        thumb = done.find_element(*testid("history-thumb"))
        WebDriverWait(self.driver, 30, ignored_exceptions=LIVE_UPDATES).until(
            lambda d: d.execute_script(
                "const i = arguments[0]; return i.complete && i.naturalWidth > 0;", thumb
            )
        )
        self.assert_no_error_shown()
        self.shot("06-history-after-restart")

        self.click("nav-settings")
        self.find("settings-page")
        self.assertIn(KEY[-4:], self.find("key-status").text)
        self.assertNotIn(KEY, self.driver.page_source)
        self.shot("07-settings-account")

        # (6) What the service saw: two runs, every missing endpoint asked at most once.
        seen = stats()
        by_route = seen["byRoute"]
        print_requests(seen)
        self.assertEqual(seen["runsCreated"], 2)
        for route in MISSING:
            self.assertLessEqual(by_route.get(route, 0), 1, f"{route}: {by_route}")

    def forget_key(self):
        """Leaves the shared keyring as it was: the next test file starts on onboarding."""
        self.click("nav-settings")
        self.click("forget-key")
        self.click("forget-key-confirm")
        self.find("onboarding")


if __name__ == "__main__":
    main()
