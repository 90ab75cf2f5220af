"""E2E: link previews and outputs as inputs (issue 17 items 4 and 5) on the real binary, in the
demo workspace.

A finished run's output link pasted into Hero Image's Reference Image field shows a thumbnail
fetched by Rust (a data: URL: the web view loads nothing remote); a loopback address that is not
the demo sandbox's is refused in words, with no thumbnail and no connection made to it. Then the
output's "Use as input for…" opens Hero Image with a permanent copy of it (the sandbox's
transfer-asset answer, a /_sandbox/files/ address), not the output's own /files/ link.
"""

import os
import socket
import threading
import time

from harness import LIVE_UPDATES, LaminaDesktop, main, newest_output, testid
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

FIELD = "Reference Image"


class Watched:
    """A loopback port that counts the connections made to it."""

    def __init__(self):
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen()
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self.stopped = False
        threading.Thread(target=self.watch, daemon=True).start()

    def watch(self):
        while not self.stopped:
            try:
                conn, _ = self.server.accept()
                self.connections += 1
                conn.close()
            except OSError:
                pass

    def stop(self):
        self.stopped = True
        self.server.close()


class LinkPreviews(LaminaDesktop):
    PREFIX = "links-"

    def reference_input(self):
        return self.find(f"field-{FIELD}").find_element(By.NAME, FIELD)

    def paste_link(self, link):
        field = self.reference_input()
        field.clear()
        field.send_keys(link)

    def wait_until(self, what, condition, seconds=30):
        try:
            return WebDriverWait(self.driver, seconds, ignored_exceptions=LIVE_UPDATES).until(
                condition
            )
        except TimeoutException:
            self.report_failure(what)
            raise

    def test_1_previews_and_refusals(self):
        self.choose_demo()
        self.open_app("Hero Image")
        prompt = self.find("field-Prompt").find_element(By.NAME, "Prompt")
        prompt.send_keys("A linen shirt folded on a chair")
        self.click("generate")
        run = self.wait_finished_run()
        self.assertEqual(run.get_attribute("data-status"), "completed", run.text)
        link = newest_output(os.environ["LAMINA_DATA_DIR"])
        print(f"\nthe output's link: {link}")

        # A sandbox output's link: Rust fetches it and the thumbnail appears.
        self.paste_link(link)
        thumb = self.wait_until(
            "no thumbnail for the output's link",
            lambda d: next(iter(d.find_elements(*testid("link-preview"))), None),
        )
        src, width = self.driver.execute_script(
            "const img = arguments[0].querySelector('img');"
            "return [img.getAttribute('src'), img.naturalWidth];",
            thumb,
        )
        self.assertTrue(src.startswith("data:image/"), src[:40])
        self.assertGreater(width, 0, "the thumbnail decodes")
        self.shot("output-link-thumbnail")

        # Another loopback address: refused in words, no thumbnail, nothing asked of it.
        watched = Watched()
        try:
            self.paste_link(f"http://127.0.0.1:{watched.port}/private/photo.png")
            refused = self.wait_until(
                "no refusal for a local address",
                lambda d: next(
                    (
                        e
                        for e in d.find_elements(*testid("link-preview-missing"))
                        if e.get_attribute("data-reason") == "refused"
                    ),
                    None,
                ),
            )
            print("refused:", refused.text)
            self.assertIn("inside this computer", refused.text)
            self.assertEqual(self.driver.find_elements(*testid("link-preview")), [])
            time.sleep(1)
            self.assertEqual(watched.connections, 0, "no request to a local address")
        finally:
            watched.stop()
        self.shot("local-address-refused")

    def test_2_output_used_as_input_gets_a_permanent_copy(self):
        link = newest_output(os.environ["LAMINA_DATA_DIR"])
        self.click("nav-history")
        self.find("history-screen")
        self.wait_until("no history row", lambda d: d.find_elements(*testid("history-row")))[
            0
        ].click()
        # The output's tools show on hover, as for a user's pointer.
        ActionChains(self.driver).move_to_element(self.find("detail-output")).perform()
        self.click("use-as-input")
        choice = self.wait_until(
            "no app to use the output in",
            lambda d: next(
                (
                    b
                    for b in d.find_elements(*testid("use-as-input-app"))
                    if "Hero Image" in b.text
                ),
                None,
            ),
        )
        choice.click()
        self.find("dynamic-form")
        value = self.wait_until(
            "the field was not filled",
            lambda d: self.reference_input().get_attribute("value") or None,
        )
        print(f"\nUse as input for… filled: {value}")
        self.assertIn("/_sandbox/files/", value, "the permanent copy (transfer-asset)")
        self.assertNotEqual(value, link)
        self.shot("output-used-as-input")


if __name__ == "__main__":
    main()
