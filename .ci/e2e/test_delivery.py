"""Settings → Delivery on the real app: in the demo workspace the in-process sandbox posts signed
webhooks to the app's own receiver. Send test starts a run whose delivery shows up in the log as
accepted (signature verified), in light and dark themes."""

from harness import LaminaDesktop, main


class Delivery(LaminaDesktop):
    PREFIX = "delivery-"

    def test_send_test_delivery_is_accepted(self):
        self.choose_demo()
        self.click("nav-settings")
        self.find("delivery-settings")
        self.wait_text("delivery-status", "Listening on 127.0.0.1:")
        toggle = self.find("delivery-enabled")
        self.assertEqual(toggle.get_attribute("aria-checked"), "true")
        self.click("theme-light")
        self.driver.execute_script(
            "document.querySelector('[data-testid=\"delivery-settings\"]').scrollIntoView()"
        )
        self.shot("settings-light")

        self.click("delivery-send-test")
        self.wait_text("delivery-test-result", "Delivery received and its signature verified.")
        self.driver.execute_script(
            "document.querySelector('[data-testid=\"delivery-log\"]').scrollIntoView()"
        )
        self.shot("accepted-light")
        entry = self.find("delivery-entry")
        self.assertEqual(entry.get_attribute("data-outcome"), "accepted")
        self.assertIn("Accepted", entry.text)
        self.assertIn("run is now completed", entry.get_attribute("textContent"))

        self.click("theme-dark")
        self.driver.execute_script(
            "document.querySelector('[data-testid=\"delivery-settings\"]').scrollIntoView()"
        )
        self.shot("accepted-dark")

        # A port that is not allowed: the error sits next to the field, nothing else changes.
        port = self.find("delivery-port")
        port.clear()
        port.send_keys("80")
        self.click("delivery-save")
        self.wait_text("delivery-port-error", "Use a port between 1024 and 65535.")
        self.wait_text("delivery-status", "Listening on 127.0.0.1:")
        self.shot("port-error-dark")
        self.click("theme-system")


if __name__ == "__main__":
    main()
