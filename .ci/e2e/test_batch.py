"""E2E: the Batch screen in the demo workspace. Paste a 3-row table for Hero Image with a `sku`
column (kept for file names, with a notice, not a problem), run it, watch the progress
and the finished grid, export to a folder named `{sku}_{n}.png` and check the files and
manifest.csv on disk. Exports go under $LAMINA_EXPORT_DIR (set by .ci/e2e.sh for the app)."""

import csv
import os
import time

from harness import LIVE_UPDATES, LaminaDesktop, main, testid
from selenium.webdriver.support.ui import WebDriverWait

TABLE = (
    "sku,Prompt,Aspect Ratio\n"
    "TEE-01,a white cotton t-shirt on a wooden table,1:1\n"
    "MUG-02,a blue ceramic mug on a sunlit kitchen shelf,1:1\n"
    "BAG-03,a canvas tote bag against a pastel wall,1:1\n"
)
SKUS = ["TEE-01", "MUG-02", "BAG-03"]


class BatchFlow(LaminaDesktop):
    PREFIX = "batch-"

    def test_batch(self):
        export_root = os.environ.get("LAMINA_EXPORT_DIR")
        self.assertTrue(export_root, "LAMINA_EXPORT_DIR must be set for the app (see .ci/e2e.sh)")
        name = f"Spring drop {int(time.time())}"

        self.enter_demo()
        self.open_new_batch("Hero Image")

        # Paste the table: the sku column feeds no parameter: kept for file names, with a notice.
        self.set_value(self.find("batch-paste"), TABLE)
        notices = self.wait_text("batch-notices", "sku")
        self.assertIn("kept for file names", notices)
        self.driver.execute_script(
            "arguments[0].scrollIntoView({block: 'center'});", self.find("batch-notices")
        )
        self.shots("01-notice")

        # 3 rows, all valid; the summary counts them.
        self.wait_text("batch-summary", "3 images from Hero Image")
        summary = self.wait.until(
            lambda d: (lambda t: t if "balance" in t.lower() else None)(
                d.find_element(*testid("batch-summary")).get_attribute("textContent")
            )
        )
        self.assertIn("credits", summary)
        batch_name = self.find("batch-name")
        batch_name.clear()
        batch_name.send_keys(name)
        self.wait.until(lambda d: d.find_element(*testid("batch-run")).is_enabled())
        self.driver.execute_script(
            "arguments[0].scrollIntoView({block: 'center'});", self.find("batch-summary")
        )
        self.shots("02-ready")

        # Run: progress first, then the finished grid.
        self.click("batch-run")
        self.find("batch-view")
        self.wait_text("batch-done", "of 3 done")
        self.shots("03-progress")
        WebDriverWait(self.driver, 120, ignored_exceptions=LIVE_UPDATES).until(
            lambda d: d.find_element(*testid("batch-view")).get_attribute("data-state") == "finished"
        )
        self.wait_text("batch-done", "3 of 3 done")
        WebDriverWait(self.driver, 60, ignored_exceptions=LIVE_UPDATES).until(
            lambda d: len(d.find_elements(*testid("batch-tile"))) == 3
            and d.execute_script(
                "return [...document.querySelectorAll('[data-testid=batch-tile] img')]"
                ".every(i => i.complete && i.naturalWidth > 0);"
            )
        )
        states = [r.get_attribute("data-state") for r in self.driver.find_elements(*testid("batch-row"))]
        self.assertEqual(states, ["completed"] * 3)
        self.shots("04-finished-grid")

        # Export to a folder under the pattern {sku}_{n}.png.
        pattern = self.find("batch-pattern")
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", pattern)
        pattern.clear()
        pattern.send_keys("{sku}_{n}.png")
        self.wait_text("batch-pattern-example", "TEE-01_1.png")
        self.shots("05-export-options")
        self.click("batch-export-run")
        done = self.wait_text("batch-export-done", "Exported 3 images")
        folder = os.path.join(export_root, name)
        self.assertIn(folder, done)
        self.driver.execute_script(
            "arguments[0].scrollIntoView({block: 'center'});", self.find("batch-export-done")
        )
        self.shots("06-exported")

        files = sorted(os.listdir(folder))
        self.assertEqual(files, sorted([f"{sku}_1.png" for sku in SKUS] + ["manifest.csv"]))
        for sku in SKUS:
            with open(os.path.join(folder, f"{sku}_1.png"), "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
        with open(os.path.join(folder, "manifest.csv"), newline="") as f:
            rows = list(csv.DictReader(f))
        self.assertEqual([r["sku"] for r in rows], SKUS)
        self.assertEqual([r["file"] for r in rows], [f"{sku}_1.png" for sku in SKUS])
        self.assertTrue(all(r["run_id"] for r in rows))


if __name__ == "__main__":
    main()
