"""E2E: presets and compare on the real binary (see .ci/e2e/harness.py). Demo workspace → Hero
Image → fill the form → save it as a preset → change the form → apply the preset (values restored)
→ two runs with different aspect ratios → History → select both → Compare shows both images with
the differing input highlighted. Screenshots in light and dark."""

from harness import LIVE_UPDATES, LaminaDesktop, main, testid
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

PROMPT = "A linen shirt folded on a sunlit oak table"


class PresetsCompare(LaminaDesktop):
    PREFIX = "compare-"

    def prompt(self):
        return self.find("field-Prompt").find_element(By.NAME, "Prompt")

    def ratio(self, label):
        field = self.find("field-Aspect Ratio")
        return field.find_element(By.CSS_SELECTOR, f'[data-option="{label}"]')

    def wait_completed(self, count):
        WebDriverWait(self.driver, 120, ignored_exceptions=LIVE_UPDATES).until(
            lambda d: sum(
                1
                for c in d.find_elements(*testid("run-card"))
                if c.get_attribute("data-status") == "completed"
            )
            >= count
        )

    def test_presets_then_compare(self):
        self.choose_demo()
        self.open_app("Hero Image")

        # Fill the form and save it as a preset.
        self.prompt().send_keys(PROMPT)
        self.ratio("16:9").click()
        self.click("presets-open")
        self.find("presets-empty")
        self.shot("01-presets-empty")
        self.click("preset-save-as")
        name = self.find("preset-name-input")
        name.send_keys("Wide banner")
        self.shot("02-save-dialog")
        self.click("preset-name-confirm")
        self.wait.until(lambda d: not d.find_elements(*testid("preset-name-dialog")))

        # Change the form, then apply the preset: the saved values come back.
        self.prompt().clear()
        self.prompt().send_keys("Something else entirely")
        self.ratio("1:1").click()
        self.click("presets-open")
        item = self.wait.until(
            lambda d: next(
                (i for i in d.find_elements(*testid("preset-item")) if i.get_attribute("data-name") == "Wide banner"),
                None,
            )
        )
        self.shot("03-presets-menu")
        item.find_element(*testid("preset-apply")).click()
        self.wait.until(lambda d: self.prompt().get_attribute("value") == PROMPT)
        self.assertEqual(self.ratio("16:9").get_attribute("aria-checked"), "true")
        self.assertEqual(self.ratio("1:1").get_attribute("aria-checked"), "false")
        self.shot("04-preset-applied")

        # Two runs that differ only in the aspect ratio.
        self.click("generate")
        self.wait_completed(1)
        self.ratio("1:1").click()
        self.click("generate")
        self.wait_completed(2)
        self.shot("05-two-runs")

        # History: select both and compare.
        self.click("nav-history")
        self.find("history-screen")
        self.wait.until(lambda d: len(d.find_elements(*testid("history-row"))) >= 2)
        self.click("compare-select")
        for row in self.driver.find_elements(*testid("history-row"))[:2]:
            row.find_element(*testid("compare-check")).click()
        self.wait_text("compare-selected-count", "2")
        self.shot("06-history-select")
        self.click("compare-open")
        self.find("compare-screen")
        images = self.wait.until(
            lambda d: (lambda i: i if len(i) == 2 else None)(d.find_elements(*testid("compare-image")))
        )
        for image in images:
            WebDriverWait(self.driver, 30, ignored_exceptions=LIVE_UPDATES).until(
                lambda d, i=image: d.execute_script(
                    "const i = arguments[0]; return i.complete && i.naturalWidth > 0;", i
                )
            )
        sizes = sorted(
            tuple(self.driver.execute_script("return [arguments[0].naturalWidth, arguments[0].naturalHeight];", i))
            for i in images
        )
        # 16:9 and 1:1 thumbnails (512 px on the long side).
        self.assertEqual(sizes, [(512, 288), (512, 512)])
        rows = {r.get_attribute("data-name"): r for r in self.driver.find_elements(*testid("compare-input-row"))}
        self.assertEqual(rows["Aspect Ratio"].get_attribute("data-differs"), "true")
        self.assertIn("is-different", rows["Aspect Ratio"].get_attribute("class"))
        self.assertEqual(rows["Prompt"].get_attribute("data-differs"), "false")
        self.assertIn("1 input differs", self.find("compare-difference-count").text)
        self.force_theme("light")
        self.shot("07-compare-light")
        self.force_theme("dark")
        self.shot("08-compare-dark")

        # Only the differences.
        self.click("compare-only-differences")
        self.wait.until(lambda d: len(d.find_elements(*testid("compare-input-row"))) == 1)
        self.shot("09-compare-only-differences-dark")
        self.force_theme("light")

        # The form's presets menu in dark, for the look.
        self.open_app("Hero Image")
        self.force_theme("dark")
        self.click("presets-open")
        self.find("preset-item")
        self.shot("10-presets-menu-dark")
        self.force_theme("light")


if __name__ == "__main__":
    main()
