"""E2E: "Describe what you need" in the demo workspace (its in-process sandbox). Write a brief for
Instagram → the app Lamina chose and the inputs it filled are shown → the outputs arrive with
their scores → Adjust opens the app's form prefilled → rerun through the normal path → Publish…
to Demo Instagram with a caption, confirmed by name → the post link is the sandbox's post page
(fetched: it shows the caption) and opens outside the window → the Publishing screen lists it.
Every step is photographed in light and dark."""

import time
import urllib.request

from harness import LIVE_UPDATES, LaminaDesktop, main, testid
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

BRIEF = "A launch post for our new linen shirt, bright summer morning"
CAPTION = f"Meet the linen shirt. Made for slow summer mornings. #{int(time.time())}"


class DescribeFlow(LaminaDesktop):
    PREFIX = "describe-"

    def text_of(self, element):
        """The element's whole text (WebKitWebDriver's visible-text leaves out the pill chips)."""
        return self.driver.execute_script("return arguments[0].textContent", element)

    def scroll_to(self, name):
        self.driver.execute_script(
            "arguments[0].scrollIntoView({block: 'center'});", self.find(name)
        )

    def completed_card(self, scope_css):
        """The first run card under `scope_css`, once it has finished."""
        long_wait = WebDriverWait(self.driver, 90, ignored_exceptions=LIVE_UPDATES)

        def card(d):
            for c in d.find_elements(By.CSS_SELECTOR, f'{scope_css} [data-testid="run-card"]'):
                if c.get_attribute("data-status") == "completed":
                    return c
            failed = d.find_elements(
                By.CSS_SELECTOR, f'{scope_css} [data-testid="run-card"][data-status="failed"]'
            )
            if failed:
                raise AssertionError(f"the run failed: {failed[0].text}")
            return None

        try:
            return long_wait.until(card)
        except TimeoutException:
            self.report_failure(f"no finished run under {scope_css}")
            raise

    def test_describe_to_publish(self):
        self.enter_demo()

        # Describe is first in the sidebar.
        nav = self.driver.find_elements(By.CSS_SELECTOR, '.nav [data-testid^="nav-"]')
        self.assertEqual(nav[0].get_attribute("data-testid"), "nav-describe")
        self.click("nav-describe")
        brief = self.find("describe-brief")
        self.set_value(brief, BRIEF)
        self.click("platform-instagram")
        self.click("modality-image")
        self.find("brand-panel")
        self.shots("01-brief")

        # Lamina's choice, why, and the inputs it filled.
        self.click("describe-generate")
        chosen = self.wait_text("describe-chosen-app", "Lamina chose")
        self.assertIn("Hero Image", chosen)
        self.assertTrue(self.find("describe-reason").text.strip())
        inputs = self.wait_text("describe-inputs", "Prompt")
        self.assertIn("linen shirt", inputs)
        self.assertIn("1:1", inputs)
        self.scroll_to("describe-choice")
        self.shots("02-chosen-app")

        # The outputs arrive in the ordinary run card, then the scores in plain words.
        self.completed_card('[data-testid="describe-result"]')
        # The image is shown once it is kept on disk (a moment after the run completes).
        self.wait.until(
            lambda d: d.find_elements(
                By.CSS_SELECTOR, '[data-testid="describe-result"] [data-testid="output-image"]'
            )
        )
        try:
            scores = WebDriverWait(self.driver, 60, ignored_exceptions=LIVE_UPDATES).until(
                lambda d: next(
                    (
                        t
                        for t in map(self.text_of, d.find_elements(*testid("scores")))
                        if "Brand fit" in t
                    ),
                    None,
                )
            )
        except TimeoutException:
            self.report_failure("no scores")
            raise
        self.assertRegex(scores, r"Brand fit \d+/10")
        self.scroll_to("scores")
        self.shots("03-outputs-scores")

        # Adjust: Hero Image's own form, prefilled; Generate is the normal path.
        self.click("describe-adjust")
        self.find("dynamic-form")
        prompt = self.driver.find_element(By.CSS_SELECTOR, '[data-testid="field-Prompt"] textarea')
        self.assertIn("linen shirt", prompt.get_attribute("value"))
        self.set_value(prompt, prompt.get_attribute("value") + ", golden hour")
        before = len(self.driver.find_elements(*testid("run-card")))
        self.shots("04-adjust")
        self.click("generate")
        self.wait.until(lambda d: len(d.find_elements(*testid("run-card"))) > before)
        # The newest card is the rerun, with the adjusted prompt, finished with its image.
        def rerun_done(d):
            cards = d.find_elements(By.CSS_SELECTOR, '.runs-panel [data-testid="run-card"]')
            if not cards or "golden hour" not in self.text_of(cards[0]):
                return None
            done = cards[0].get_attribute("data-status") == "completed"
            return cards[0] if done and cards[0].find_elements(*testid("output-image")) else None

        rerun = WebDriverWait(self.driver, 90, ignored_exceptions=LIVE_UPDATES).until(rerun_done)
        self.shots("05-rerun")

        # Publish… on the rerun's card: channel, caption, preview, confirmation by name.
        rerun.find_element(*testid("publish-open")).click()
        dialog = self.find("publish-dialog")
        instagram = self.wait.until(
            lambda d: next(
                (
                    box
                    for box in d.find_elements(
                        By.CSS_SELECTOR, '[data-testid^="publish-channel-"]'
                    )
                    if "Demo Instagram"
                    in box.find_element(By.XPATH, "./ancestor::label").text
                ),
                None,
            )
        )
        instagram.click()
        self.set_value(self.find("publish-caption"), CAPTION)
        self.wait_text("publish-preview", "How it will look on Demo Instagram")
        self.assertIn(CAPTION, self.find("publish-preview").text)
        self.shots("06-publish-compose")
        self.click("publish-continue")
        question = self.wait_text("publish-question", "Publish to")
        self.assertEqual(question, "Publish to Demo Instagram?")
        self.shots("07-publish-confirm")
        self.click("publish-confirm")

        link = WebDriverWait(self.driver, 60, ignored_exceptions=LIVE_UPDATES).until(
            lambda d: d.find_elements(*testid("publish-post-link"))
        )[0]
        self.assertIn("Published", self.text_of(dialog))
        href = link.get_attribute("href")
        self.shots("08-published")

        # The link is the sandbox's post page: it shows the caption.
        self.assertRegex(href, r"^http://127\.0\.0\.1:\d+/_sandbox/posts/")
        with urllib.request.urlopen(href, timeout=10) as page:
            self.assertEqual(page.status, 200)
            html = page.read().decode("utf-8", "replace")
        self.assertIn("linen shirt", html)
        # Clicking it hands it to the system browser: the app's window stays on the app.
        page_url = self.driver.current_url
        link.click()
        time.sleep(0.5)
        self.assertEqual(self.driver.current_url, page_url)
        self.click("publish-done")

        # The Publishing screen lists it: channel, status, time and the same post link.
        self.click("nav-publishing")
        item = self.wait.until(
            lambda d: next(
                (
                    i
                    for i in d.find_elements(*testid("publishing-item"))
                    if CAPTION in self.text_of(i)
                ),
                None,
            )
        )
        self.assertIn("Demo Instagram", self.text_of(item))
        self.assertIn("Published", self.text_of(item))
        listed = item.find_element(*testid("publish-post-link")).get_attribute("href")
        self.assertEqual(listed, href)
        self.shots("09-publishing-screen")


if __name__ == "__main__":
    main()
