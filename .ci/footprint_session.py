"""The scripted session of the footprint benchmark (.ci/bench-footprint.sh): on the demo workspace,
wait for the catalog, open Hero Image, generate one image and wait until it is shown, then end the
app so that /usr/bin/time, which wraps it, reports."""

import os
import signal
import subprocess
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.options import ArgOptions
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

APP = os.environ["LAMINA_APP_BINARY"]
DRIVER = os.environ.get("TAURI_DRIVER_URL", "http://127.0.0.1:4444")


def testid(name):
    return (By.CSS_SELECTOR, f'[data-testid="{name}"]')


def main():
    options = ArgOptions()
    options.set_capability("browserName", "wry")
    options.set_capability("tauri:options", {"application": APP})
    t0 = time.monotonic()
    driver = webdriver.Remote(command_executor=DRIVER, options=options)
    wait = WebDriverWait(driver, 90, ignored_exceptions=(StaleElementReferenceException,))
    card = wait.until(
        lambda d: next((c for c in d.find_elements(*testid("app-card")) if "Hero Image" in c.text), None)
    )
    t_catalog = time.monotonic() - t0
    card.click()
    form = wait.until(ec.visibility_of_element_located(testid("field-Prompt")))
    form.find_element(By.NAME, "Prompt").send_keys("A ceramic mug on a sunlit table")
    wait.until(ec.element_to_be_clickable(testid("generate"))).click()
    wait.until(
        lambda d: d.find_element(*testid("run-card")).get_attribute("data-status") == "completed"
    )
    image = wait.until(ec.visibility_of_element_located(testid("output-image")))
    wait.until(
        lambda d: d.execute_script(
            "const i = arguments[0]; return i.complete && i.naturalWidth > 0;", image
        )
    )
    t_run = time.monotonic() - t0
    print(f"session: catalog after {t_catalog:.2f} s, one run shown after {t_run:.2f} s", file=sys.stderr)
    time.sleep(1)
    # End the app itself (SIGTERM) before the WebDriver session ends: WebKitWebDriver would kill
    # the process it started, /usr/bin/time, which then could not report.
    time_pid = open(os.environ["FOOTPRINT_PID_FILE"]).read().strip()
    children = subprocess.run(["pgrep", "-P", time_pid], capture_output=True, text=True).stdout.split()
    for pid in children:
        os.kill(int(pid), signal.SIGTERM)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and os.path.getsize(os.environ["FOOTPRINT_TIME_FILE"]) == 0:
        time.sleep(0.1)
    try:
        driver.quit()
    except WebDriverException:
        pass


if __name__ == "__main__":
    main()
