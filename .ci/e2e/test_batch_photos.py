"""E2E: photos from this computer in a batch, in the demo workspace. Paste a table whose
Reference Image column holds whole paths to PNGs on disk, one of them missing: the problem names
its row and column and Run stays off. Put the file there and paste again: the summary counts the
photos to upload, Run uploads them to the demo's built-in storage and every row completes (the
sandbox draws each photo into its scene). "Choose a folder…" opens the system's dialog, which
WebDriver can't reach (X key events typed into GTK's location bar did not choose the folder), so
only the folder section is in the screenshots; tests/batch_paths.rs and BatchPhotos.test.tsx
test the folder mode."""

import os
import tempfile
import time

from harness import LIVE_UPDATES, LaminaDesktop, main, testid
from pngs import solid_png
from selenium.webdriver.support.ui import WebDriverWait

COLOURS = [(200, 80, 60), (60, 140, 200), (90, 170, 90)]


class BatchPhotosFlow(LaminaDesktop):
    PREFIX = "batch-photos-"

    def test_batch_of_local_photos(self):
        # Letters and digits only: the dialog is typed into key by key.
        folder = os.path.join(tempfile.gettempdir(), f"shoot{int(time.time() * 1000)}")
        os.makedirs(folder)
        paths = [os.path.join(folder, f"photo-0{i + 1}.png") for i in range(3)]
        for path, rgb in zip(paths[:2], COLOURS):
            with open(path, "wb") as f:
                f.write(solid_png(64, 48, rgb))
        table = "Prompt,Reference Image\n" + "".join(
            f"product {i + 1} on marble,{path}\n" for i, path in enumerate(paths)
        )

        self.enter_demo()
        self.open_new_batch("Hero Image")

        # One photo missing: named by row (the header is row 1) and column; nothing can run.
        self.set_value(self.find("batch-paste"), table)
        problems = self.wait_text("batch-problems", "isn't there")
        self.assertIn("Row 4", problems)
        self.assertIn("Reference Image", problems)
        self.assertIn("photo-03.png", problems)
        self.assertFalse(self.find("batch-run").is_enabled())
        self.driver.execute_script(
            "arguments[0].scrollIntoView({block: 'center'});", self.find("batch-problems")
        )
        self.shots("01-missing-photo")
        self.driver.execute_script(
            "arguments[0].scrollIntoView({block: 'center'});", self.find("batch-folder")
        )
        self.shots("02-folder-section")

        # The photo is there now: pasted again, the table checks out and counts 3 uploads.
        with open(paths[2], "wb") as f:
            f.write(solid_png(64, 48, COLOURS[2]))
        self.set_value(self.find("batch-paste"), table + "\n")
        self.wait_text("batch-photos", "3 photos from this computer")
        self.wait.until(lambda d: d.find_element(*testid("batch-run")).is_enabled())
        name = self.find("batch-name")
        name.clear()
        name.send_keys(f"Marble shoot {int(time.time())}")
        self.driver.execute_script(
            "arguments[0].scrollIntoView({block: 'center'});", self.find("batch-summary")
        )
        self.shots("03-ready")

        self.click("batch-run")
        self.find("batch-view")
        WebDriverWait(self.driver, 180, ignored_exceptions=LIVE_UPDATES).until(
            lambda d: d.find_element(*testid("batch-view")).get_attribute("data-state") == "finished"
        )
        self.wait_text("batch-done", "3 of 3 done")
        states = [r.get_attribute("data-state") for r in self.driver.find_elements(*testid("batch-row"))]
        self.assertEqual(states, ["completed"] * 3)
        WebDriverWait(self.driver, 60, ignored_exceptions=LIVE_UPDATES).until(
            lambda d: len(d.find_elements(*testid("batch-tile"))) == 3
        )
        self.shots("04-finished")


if __name__ == "__main__":
    main()
