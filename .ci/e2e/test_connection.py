"""Settings → Connection on the real app: "Check connection" against the demo workspace's
in-process sandbox lists a line per check (key, encryption, API, features, rate limit, clock,
webhook address, key storage), every one fine or not needed, with its details."""

import time

from harness import LaminaDesktop, main


class Connection(LaminaDesktop):
    PREFIX = "connection-"

    def test_check_connection_in_the_demo_workspace(self):
        self.choose_demo()
        self.click("nav-settings")
        self.find("connection-check")
        self.click("theme-light")
        self.click("connection-check-button")
        self.wait_text("connection-verdict", "Everything is fine.")
        report = self.find("connection-report")
        self.assertEqual(report.get_attribute("data-verdict"), "healthy")
        for check, status in [
            ("key", "ok"),
            ("tls", "ok"),
            ("generation", "ok"),
            ("endpoints", "ok"),
            ("rateLimit", "ok"),
            ("clock", "ok"),
            ("webhook", "skipped"),
            ("keychain", "skipped"),
        ]:
            line = self.find(f"connection-line-{check}")
            self.assertEqual(line.get_attribute("data-status"), status, check)
        self.assertIn("Lamina accepts the demo workspace's key", self.find("connection-line-key").text)
        self.driver.execute_script(
            "document.querySelector('[data-testid=\"connection-line-key\"] "
            "[data-testid=\"details-toggle\"]').click()"
        )
        self.driver.execute_script(
            "document.querySelector('[data-testid=\"connection-check\"]').scrollIntoView()"
        )
        self.shot("checked-light")
        self.click("theme-dark")
        self.driver.execute_script(
            "document.querySelector('[data-testid=\"connection-check\"]').scrollIntoView()"
        )
        time.sleep(0.5)  # the theme's transition and the scroll settle
        self.shot("checked-dark")
        self.click("theme-system")


if __name__ == "__main__":
    main()
