"""Launches the binary installed from the .deb (LAMINA_APP_BINARY) through tauri-driver on the demo
workspace and checks that it renders: the catalog's app cards appear, the About dialog names the
version the package was built from, and a screenshot of the window is not blank. Run by
.ci/deb-smoke.sh under Xvfb."""

import os
import time

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.options import ArgOptions
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

APP = os.environ["LAMINA_APP_BINARY"]
VERSION = os.environ["LAMINA_EXPECT_VERSION"]
ARTIFACTS = os.environ.get("SMOKE_ARTIFACTS", "artifacts/deb-smoke")
DRIVER = os.environ.get("TAURI_DRIVER_URL", "http://127.0.0.1:4444")


def testid(name):
    return (By.CSS_SELECTOR, f'[data-testid="{name}"]')


def main():
    options = ArgOptions()
    options.set_capability("browserName", "wry")
    options.set_capability("tauri:options", {"application": APP})
    started = time.monotonic()
    driver = webdriver.Remote(command_executor=DRIVER, options=options)
    try:
        wait = WebDriverWait(driver, 60)
        cards = wait.until(lambda d: d.find_elements(*testid("app-card")) or None)
        print(f"deb-smoke: catalog rendered {len(cards)} apps {time.monotonic() - started:.1f} s after launch")
        assert len(cards) >= 2, f"expected the demo catalog, got {len(cards)} cards"
        assert driver.find_elements(*testid("demo-badge")), "not on the demo workspace"
        shot = os.path.join(ARTIFACTS, "catalog.png")
        driver.save_screenshot(shot)
        png = driver.get_screenshot_as_png()
        assert len(png) > 20_000, f"the window screenshot looks blank ({len(png)} bytes)"

        wait.until(ec.element_to_be_clickable(testid("about-open"))).click()
        version = wait.until(
            lambda d: (lambda t: t if "…" not in t else None)(d.find_element(*testid("about-version")).text)
        )
        time.sleep(0.3)  # let the version text paint before the screenshot
        driver.save_screenshot(os.path.join(ARTIFACTS, "about.png"))
        assert version == f"Version {VERSION}", f"About says {version!r}, the package is {VERSION}"
        print(f"deb-smoke: About says {version!r}")
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
