"""E2E: your own photos as inputs (issue 17) on the real binary.

Demo workspace: a PNG dropped onto Hero Image's Reference Image (the drop is built in JS from the
photo's bytes, a DataTransfer with a File: WebDriver cannot drag from the OS) previews at once,
uploads in Rust with progress, Generate waits for it; the run completes and its output shows the
photo in the scene (its pixels are found in the image the sandbox made). Then a real account
(`lamina-sandbox` on E2E_SERVICE_PORT, the app's LAMINA_BASE_URL) with a real S3 server
(`s3s-fs`, SigV4 checked) as storage: Settings → Storage saved and tested, the same run completes
and the sandbox's stats show it fetched the presigned link. Screenshots light and dark.
"""

import base64
import glob
import json
import os
import socket
import subprocess
import tempfile
import time
import urllib.request

from harness import (
    ARTIFACTS,
    LIVE_UPDATES,
    LaminaDesktop,
    main,
    newest_output,
    start_service,
    testid,
)
from pngs import noisy_png, share_near
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

PORT = int(os.environ["E2E_SERVICE_PORT"])
SERVICE = f"http://127.0.0.1:{PORT}"
KEY = "lma_e2e_own_photos_account_51d2"
S3S_FS = os.environ.get("LAMINA_S3S_FS") or os.path.abspath("target/tools/s3s-fs/bin/s3s-fs")
S3_ACCESS_KEY = "LAMINAE2EACCESSKEY01"
S3_SECRET = "e2e-S3cr3t-Never-Shown-4b7a9c1d2e3f"
BUCKET = "photos"
# The product photo: a magenta no generated scene has, with noise so it is not tiny.
MAGENTA = (240, 16, 240)
FIELD = "Reference Image"

DROP_JS = """
const [b64, name, field] = arguments;
const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
const data = new DataTransfer();
data.items.add(new File([bytes], name, { type: "image/png" }));
const target = document.querySelector(`[data-testid="photo-field-${field}"]`);
for (const type of ["dragenter", "dragover", "drop"]) {
  target.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
}
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stats():
    with urllib.request.urlopen(f"{SERVICE}/_sandbox/stats", timeout=5) as answer:
        return json.load(answer)


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as answer:
        return answer.read()


class OwnPhotos(LaminaDesktop):
    PREFIX = "photos-"

    @classmethod
    def setUpClass(cls):
        cls.processes = [start_service("photos-sandbox.log", KEY)]
        # The bucket: a folder s3s-fs serves, SigV4 checked against one key and secret.
        cls.s3_root = tempfile.mkdtemp()
        os.makedirs(os.path.join(cls.s3_root, BUCKET))
        cls.s3_port = free_port()
        with open(os.path.join(ARTIFACTS, "photos-s3.log"), "w") as log:
            s3 = subprocess.Popen(
                [S3S_FS, "--host", "127.0.0.1", "--port", str(cls.s3_port),
                 "--access-key", S3_ACCESS_KEY, "--secret-key", S3_SECRET, cls.s3_root],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        cls.processes.append(s3)
        deadline = time.time() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", cls.s3_port), timeout=1).close()
                break
            except OSError:
                if s3.poll() is not None or time.time() > deadline:
                    raise RuntimeError("s3s-fs did not start")
                time.sleep(0.1)
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            for process in cls.processes:
                process.terminate()
                process.wait(timeout=10)

    # --- steps ---------------------------------------------------------------------------

    def drop_photo(self, name, png):
        self.driver.execute_script(DROP_JS, base64.b64encode(png).decode(), name, FIELD)
        return self.find("photo-card")

    def photo_state(self):
        cards = self.driver.find_elements(*testid("photo-card"))
        return cards[0].get_attribute("data-state") if cards else None

    def wait_photo_done(self):
        try:
            WebDriverWait(self.driver, 90, ignored_exceptions=LIVE_UPDATES).until(
                lambda d: self.photo_state() in ("done", "failed")
            )
        except TimeoutException:
            self.report_failure("the photo never finished uploading")
            raise
        if self.photo_state() == "failed":
            self.report_failure("the photo upload failed")
            self.fail(self.find("photo-error").text)

    def photo_in_output(self):
        """The share of the newest output's pixels that are the dropped photo's colour."""
        return share_near(fetch(newest_output(os.environ["LAMINA_DATA_DIR"])), MAGENTA)

    def upload_and_generate(self, name, theme_shots):
        """Drops a fresh photo on Hero Image's form, shots it uploading and done in each theme
        of `theme_shots`, then generates and waits for the run."""
        self.open_app("Hero Image")
        prompt = self.find("field-Prompt").find_element(By.NAME, "Prompt")
        prompt.clear()
        prompt.send_keys("My own vase on a wooden table")
        for i, theme in enumerate(theme_shots):
            self.force_theme(theme)
            if self.driver.find_elements(*testid("remove-photo")):
                self.click("remove-photo")
            self.drop_photo(f"{name}-{i}.png", noisy_png(1600, 1200, MAGENTA))
            # The photo's state and the button's, read at the same moment.
            state, disabled, label = self.driver.execute_script(
                "const card = document.querySelector('[data-testid=\"photo-card\"]');"
                "const button = document.querySelector('[data-testid=\"generate\"]');"
                "return [card.dataset.state, button.disabled, button.textContent];"
            )
            self.shot(f"{name}-uploading-{theme}")
            print(f"\n{name} ({theme}): the photo was {state!r} when shot; Generate {label!r}")
            if state not in ("done", "failed"):
                # Generate waits for the photo.
                self.assertTrue(disabled)
                self.assertIn("Uploading photo", label)
            self.wait_photo_done()
            self.assertTrue(self.find("generate").is_enabled())
            self.shot(f"{name}-ready-{theme}")
        self.click("generate")
        run = self.wait_finished_run()
        self.assertEqual(run.get_attribute("data-status"), "completed", run.text)
        return run

    def test_1_demo_workspace(self):
        self.choose_demo()
        self.upload_and_generate("demo", ["light", "dark"])
        self.force_theme("light")
        share = self.photo_in_output()
        print(f"\ndemo: {share:.1%} of the output is the dropped photo's colour")
        self.assertGreater(share, 0.08, "the dropped photo shows in the scene")
        self.shot("demo-run-completed")
        # History keeps the local file's name beside the link.
        self.click("nav-history")
        self.find("history-screen")
        self.wait.until(lambda d: d.find_elements(*testid("history-row")))[0].click()
        self.assertIn("demo-1.png", self.find("input-file").text)

    def test_2_account_with_s3_storage(self):
        try:
            self.account_with_s3_storage()
        finally:
            self.leave_account()

    def account_with_s3_storage(self):
        # Connect the account (Settings: the demo workspace offers the key form).
        self.click("nav-settings")
        self.find("api-key-input").send_keys(KEY)
        self.click("save-key")
        self.wait.until(lambda d: d.find_elements(*testid("app-card")))
        self.assertEqual(self.driver.find_elements(*testid("demo-badge")), [])

        # Settings → Storage: the S3 server's bucket.
        self.click("nav-settings")
        self.find("storage-form")
        for name, value in [
            ("endpoint", f"http://127.0.0.1:{self.s3_port}"),
            ("region", "us-east-1"),
            ("bucket", BUCKET),
            ("prefix", "lamina-e2e"),
            ("accessKeyId", S3_ACCESS_KEY),
            ("secretAccessKey", S3_SECRET),
        ]:
            field = self.find(f"storage-{name}")
            field.clear()
            field.send_keys(value)
        if not self.find("storage-path-style").is_selected():
            self.click("storage-path-style")
        self.click("storage-save")
        self.find("secret-saved")
        self.assertEqual(self.find("storage-secretAccessKey").get_attribute("value"), "")
        self.assertNotIn(S3_SECRET, self.driver.page_source, "the secret never returns to the web view")
        self.click("storage-test")
        verdict = self.wait_text("storage-verdict", "Your storage")
        steps = self.driver.find_elements(*testid("storage-step"))
        print("\nTest storage:", verdict, [s.text for s in steps])
        self.assertIn("works", verdict)
        self.assertEqual([s.get_attribute("data-status") for s in steps], ["passed"] * 3)
        for theme in ["light", "dark"]:
            self.force_theme(theme)
            self.driver.execute_script(
                "document.querySelector('[data-testid=\"storage-report\"]')"
                ".scrollIntoView({ block: 'end' })"
            )
            time.sleep(0.3)
            self.shot(f"storage-tested-{theme}")
        self.force_theme("light")

        # The same run, the photo now in the bucket; the service fetched its presigned link.
        before = len(stats().get("fetchedInputs", []))
        self.upload_and_generate("account", ["light"])
        fetched = stats()["fetchedInputs"][before:]
        print("\nthe sandbox fetched:", fetched)
        presigned = [
            u for u in fetched
            if u.startswith(f"http://127.0.0.1:{self.s3_port}/{BUCKET}/lamina-e2e/")
            and "X-Amz-Signature=" in u
        ]
        self.assertEqual(len(presigned), 1, fetched)
        objects = glob.glob(os.path.join(self.s3_root, BUCKET, "lamina-e2e", "*"))
        self.assertEqual(len(objects), 1, objects)
        share = self.photo_in_output()
        print(f"account: {share:.1%} of the output is the dropped photo's colour")
        self.assertGreater(share, 0.08)
        self.shot("account-run-completed")

    def leave_account(self):
        """Leaves the shared keyring as it was: no storage secret, no key."""
        self.click("nav-settings")
        if self.driver.find_elements(*testid("storage-forget")):
            self.click("storage-forget")
            self.click("storage-forget-confirm")
            self.wait.until(lambda d: not d.find_elements(*testid("secret-saved")))
        if self.driver.find_elements(*testid("forget-key")):
            self.click("forget-key")
            self.click("forget-key-confirm")
            self.find("onboarding")


if __name__ == "__main__":
    main()
