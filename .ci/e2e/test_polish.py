"""E2E: the main screens in the light theme, then in the dark one, switched through the app's own
theme setting (see .ci/e2e/harness.py). Screenshots are named polish-<theme>-<screen>.png; open them.
Also checks that the theme really applies (page background differs) and that "system" follows the
OS (the web view reports prefers-color-scheme)."""

import time

from harness import LIVE_UPDATES, LaminaDesktop, main, testid
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

BACKGROUND = "return getComputedStyle(document.body).backgroundColor"


class Polish(LaminaDesktop):
    PREFIX = "polish-"

    def set_theme(self, theme):
        self.click("nav-settings")
        self.click(f"theme-{theme}")
        self.wait.until(
            lambda d: d.execute_script("return document.documentElement.dataset.theme") == theme
        )

    def screens(self, theme):
        """Catalog → form → a completed run → History with its detail → Gallery → Settings."""
        self.click("nav-apps")
        # The whole catalog, not what the last pass searched for.
        search = self.find("catalog-search")
        search.send_keys(Keys.CONTROL, "a")
        search.send_keys(Keys.BACKSPACE)
        self.wait.until(lambda d: len(d.find_elements(*testid("app-card"))) > 1)
        self.driver.execute_script("document.activeElement.blur()")
        self.wait_images_shown()
        self.shot(f"{theme}-02-catalog")
        self.open_app("Hero Image")
        # An empty prompt (the form remembers the last one): the field error.
        prompt = self.find("field-Prompt").find_element(By.NAME, "Prompt")
        prompt.send_keys(Keys.CONTROL, "a")
        prompt.send_keys(Keys.BACKSPACE)
        self.click("generate")
        self.find("field-error")
        self.shot(f"{theme}-03-form-error")
        prompt = self.find("field-Prompt").find_element(By.NAME, "Prompt")
        prompt.send_keys(f"A linen lamp on oak, {theme}")
        self.click("generate")
        self.find("run-card")
        # The newest card is first; earlier runs (the light pass) are below it.
        WebDriverWait(self.driver, 90, ignored_exceptions=LIVE_UPDATES).until(
            lambda d: d.find_element(*testid("run-card")).get_attribute("data-status") == "completed"
        )
        image = self.find("output-image")
        WebDriverWait(self.driver, 30, ignored_exceptions=LIVE_UPDATES).until(
            lambda d: d.execute_script(
                "const i = arguments[0]; return i.complete && i.naturalWidth > 0;", image
            )
        )
        self.shot(f"{theme}-04-run-completed")
        self.click("nav-history")
        rows = self.wait.until(lambda d: d.find_elements(*testid("history-row")))
        rows[0].click()
        self.find("run-detail")
        self.wait_images_shown()
        self.shot(f"{theme}-05-history")
        self.click("nav-gallery")
        self.find("gallery-item").click()
        full = self.find("lightbox").find_element(By.TAG_NAME, "img")
        WebDriverWait(self.driver, 30, ignored_exceptions=LIVE_UPDATES).until(
            lambda d: d.execute_script(
                "const i = arguments[0]; return i.complete && i.naturalWidth > 0;", full
            )
        )
        time.sleep(0.6)  # let the opening animation settle for the screenshot
        self.shot(f"{theme}-06-lightbox")
        self.driver.switch_to.active_element.send_keys(Keys.ESCAPE)
        self.wait.until(ec.invisibility_of_element_located(testid("lightbox")))
        self.shot(f"{theme}-06-gallery")
        self.click("nav-settings")
        self.find("settings-page")
        self.shot(f"{theme}-07-settings")
        self.click("about-open")
        self.find("about-dialog")
        self.shot(f"{theme}-08-about")
        self.click("about-close")

    def test_themes(self):
        self.find("onboarding")
        # "system" follows the OS: the stylesheet's choice matches the web view's media query.
        dark_os = self.driver.execute_script(
            "return matchMedia('(prefers-color-scheme: dark)').matches"
        )
        system_bg = self.driver.execute_script(BACKGROUND)
        self.shot("system-01-onboarding")
        self.choose_demo()

        self.set_theme("light")
        light_bg = self.driver.execute_script(BACKGROUND)
        self.screens("light")

        self.set_theme("dark")
        dark_bg = self.driver.execute_script(BACKGROUND)
        self.assertNotEqual(light_bg, dark_bg)
        self.assertEqual(system_bg, dark_bg if dark_os else light_bg)
        self.screens("dark")

        # The keyboard shortcuts help opens with "?" and closes with Esc.
        self.click("nav-apps")
        self.find("app-card")
        self.driver.find_element(By.TAG_NAME, "body").send_keys("?")
        self.find("shortcuts-dialog")
        self.shot("dark-09-shortcuts")


if __name__ == "__main__":
    main()
