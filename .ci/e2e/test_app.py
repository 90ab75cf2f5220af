"""E2E: onboarding, catalog, a run with a field error, completed and failed runs, settings,
restart with History, rerun and the Gallery lightbox (see .ci/e2e/harness.py)."""

import time

from harness import LIVE_UPDATES, LaminaDesktop, main, testid
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait


class AppFlow(LaminaDesktop):
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
    main()
