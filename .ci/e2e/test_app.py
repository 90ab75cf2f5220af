"""E2E tests of the real Lamina Desktop binary through tauri-driver + WebKitWebDriver.

Run by .ci/e2e.sh under Xvfb inside a D-Bus session with a real keyring. Each step saves a
screenshot to $E2E_ARTIFACTS. The app starts on an empty data folder, so it shows onboarding.
"""

import os
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
from selenium.webdriver.support.ui import WebDriverWait

APP = os.environ["LAMINA_APP_BINARY"]
ARTIFACTS = os.environ.get("E2E_ARTIFACTS", "artifacts/e2e")
DRIVER = os.environ.get("TAURI_DRIVER_URL", "http://127.0.0.1:4444")


# Run events re-render lists while a test reads them: a stale element is retried, not a failure.
LIVE_UPDATES = (StaleElementReferenceException,)


def testid(name):
    return (By.CSS_SELECTOR, f'[data-testid="{name}"]')


class LaminaDesktop(unittest.TestCase):
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

    def shot(self, name):
        self.driver.save_screenshot(os.path.join(ARTIFACTS, f"{name}.png"))

    def find(self, name):
        return self.wait.until(ec.visibility_of_element_located(testid(name)))

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

    def test_flow(self):
        # (1) First launch: onboarding; choose the demo workspace.
        self.find("onboarding")
        self.shot("01-onboarding")
        self.click("try-demo")
        self.find("demo-badge")

        # (2) Search the catalog and open Hero Image.
        search = self.find("catalog-search")
        search.send_keys("hero")
        self.wait.until(lambda d: len(d.find_elements(*testid("app-card"))) == 1)
        self.shot("02-catalog-search")
        cards = self.driver.find_elements(*testid("app-card"))
        self.assertIn("Hero Image", cards[0].text)
        cards[0].click()
        self.find("dynamic-form")
        self.shot("03-hero-image-form")

        # (3) Empty required prompt: a field error, nothing sent (no run card appears).
        self.click("generate")
        prompt_field = self.find("field-Prompt")
        error = prompt_field.find_element(*testid("field-error"))
        self.assertTrue(error.text.strip())
        time.sleep(0.5)
        self.assertEqual(self.driver.find_elements(*testid("run-card")), [])
        self.shot("04-required-field-error")

        # (4) Fill the prompt, pick 16:9, Generate: completed with a decoded image inline.
        prompt_field.find_element(By.NAME, "Prompt").send_keys("A ceramic mug on a sunlit table")
        aspect = self.find("field-Aspect Ratio")
        options = aspect.find_elements(By.CSS_SELECTOR, '[data-option="16:9"]')
        if options:
            options[0].click()
        else:
            from selenium.webdriver.support.ui import Select

            Select(aspect.find_element(By.NAME, "Aspect Ratio")).select_by_visible_text("16:9")
        self.click("generate")
        card = self.find("run-card")
        self.shot("05-run-started")
        WebDriverWait(self.driver, 90, ignored_exceptions=LIVE_UPDATES).until(
            lambda d: d.find_element(*testid("run-card")).get_attribute("data-status") == "completed"
        )
        image = self.wait.until(ec.visibility_of_element_located(testid("output-image")))
        WebDriverWait(self.driver, 30, ignored_exceptions=LIVE_UPDATES).until(
            lambda d: d.execute_script(
                "const i = arguments[0]; return i.complete && i.naturalWidth > 0 && i.naturalHeight > 0;",
                image,
            )
        )
        width, height = self.driver.execute_script(
            "return [arguments[0].naturalWidth, arguments[0].naturalHeight];", image
        )
        self.assertEqual((width, height), (1024, 576))
        self.assertGreater(image.size["width"], 0)
        self.shot("06-run-completed")

        # (5) The failing app: friendly message, raw detail behind Details.
        self.open_app("Virtual Try-On")
        self.click("generate")
        WebDriverWait(self.driver, 90, ignored_exceptions=LIVE_UPDATES).until(
            lambda d: any(
                c.get_attribute("data-status") == "failed"
                for c in d.find_elements(*testid("run-card"))
            )
        )
        friendly = self.find("run-error").text
        self.assertTrue(friendly.strip())
        self.assertNotIn("errorMessage", friendly)
        self.click("details-toggle")
        details = self.find("details").text
        self.assertIn("capacity", details.lower())
        self.shot("07-failed-run-details")

        # Settings shows the demo workspace and no key text.
        self.click("nav-settings")
        self.find("settings-page")
        self.shot("08-settings")

        # (6) Quit the app and start it again on the same data folder: History has both runs,
        # the completed one with its thumbnail.
        self.driver.quit()
        type(self).launch()
        self.find("demo-badge")
        self.click("nav-history")
        self.find("history-screen")
        rows = self.wait.until(
            lambda d: (lambda r: r if len(r) >= 2 else None)(d.find_elements(*testid("history-row")))
        )
        statuses = {r.get_attribute("data-status") for r in rows}
        self.assertTrue({"completed", "failed"} <= statuses, statuses)
        done = next(r for r in rows if r.get_attribute("data-status") == "completed")
        thumb = done.find_element(*testid("history-thumb"))
        WebDriverWait(self.driver, 30, ignored_exceptions=LIVE_UPDATES).until(
            lambda d: d.execute_script(
                "const i = arguments[0]; return i.complete && i.naturalWidth > 0;", thumb
            )
        )
        tw, th = self.driver.execute_script(
            "return [arguments[0].naturalWidth, arguments[0].naturalHeight];", thumb
        )
        self.assertEqual(max(tw, th), 512, "a 512 px thumbnail, not the 1024 px original")
        self.shot("09-history-after-restart")

        # (7) Rerun from History: a new run with the same inputs.
        done.click()
        self.wait_text("run-detail", "A ceramic mug on a sunlit table")
        self.click("rerun-button")
        WebDriverWait(self.driver, 30, ignored_exceptions=LIVE_UPDATES).until(
            lambda d: len(d.find_elements(*testid("history-row"))) >= 3
            or len(d.find_elements(*testid("run-card"))) >= 1
        )
        self.click("nav-history")
        rows = WebDriverWait(self.driver, 90, ignored_exceptions=LIVE_UPDATES).until(
            lambda d: (lambda r: r if len(r) >= 3 and r[0].get_attribute("data-status") == "completed" else None)(
                d.find_elements(*testid("history-row"))
            )
        )
        rows[0].click()
        detail = self.wait_text("run-detail", "A ceramic mug on a sunlit table")
        self.assertIn("16:9", detail)
        self.shot("10-rerun-completed")

        # (8) The failed run still shows its details after the restart.
        self.click("nav-history")
        failed = self.wait.until(
            lambda d: next(
                (r for r in d.find_elements(*testid("history-row")) if r.get_attribute("data-status") == "failed"),
                None,
            )
        )
        failed.click()
        self.find("run-detail")
        self.click("details-toggle")
        details = self.find("details").text
        self.assertIn("capacity", details.lower())
        self.shot("11-history-failed-details")

        # (9) The Gallery shows the kept images; the lightbox opens on Enter and closes on Esc.
        self.click("nav-gallery")
        self.find("gallery-screen")
        items = self.wait.until(
            lambda d: (lambda i: i if len(i) >= 2 else None)(d.find_elements(*testid("gallery-item")))
        )
        self.shot("12-gallery")
        items[0].click()
        box = self.find("lightbox")
        full = box.find_element(By.TAG_NAME, "img")
        WebDriverWait(self.driver, 30, ignored_exceptions=LIVE_UPDATES).until(
            lambda d: d.execute_script(
                "const i = arguments[0]; return i.complete && i.naturalWidth > 0;", full
            )
        )
        self.assertEqual(
            self.driver.execute_script("return arguments[0].naturalWidth;", full),
            1024,
            "the lightbox shows the original, not the thumbnail",
        )
        time.sleep(0.6)  # let the opening animation settle for the screenshot
        self.shot("13-lightbox")
        from selenium.webdriver.common.keys import Keys

        self.driver.switch_to.active_element.send_keys(Keys.ESCAPE)
        self.wait.until(ec.invisibility_of_element_located(testid("lightbox")))


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    failed = len(result.failures) + len(result.errors)
    passed = max(result.testsRun - len(result.failures) - len(result.errors), 0)
    print(f"e2e: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
