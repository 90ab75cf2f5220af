// Settings → Delivery on the memory backend: turning webhooks off and on, validation errors next
// to their fields, a busy port refused without changing anything, and "Send test" whose
// delivery appears live as accepted.
import { act, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { startApp } from "../../../test/app";

async function openDelivery(user: ReturnType<typeof startApp>["user"]) {
  await user.click(await screen.findByTestId("nav-settings"));
  return screen.findByTestId("delivery-settings");
}

describe("Settings → Delivery", () => {
  it("is on in the demo workspace and turns off and on again", async () => {
    const { backend, user } = startApp({ mode: "demo" });
    await openDelivery(user);
    const toggle = await screen.findByTestId("delivery-enabled");
    expect(toggle).toHaveAttribute("aria-checked", "true");
    expect(screen.getByTestId("delivery-status")).toHaveTextContent(
      "Lamina sends results to http://127.0.0.1:",
    );

    await user.click(toggle);
    await waitFor(() => expect(toggle).toHaveAttribute("aria-checked", "false"));
    expect(screen.getByTestId("delivery-status")).toHaveTextContent(
      "Off: the app checks for results itself.",
    );
    expect((await backend.deliveryStatus()).settings.enabled).toBe(false);
    expect(screen.getByTestId("delivery-send-test")).toBeDisabled();

    await user.click(toggle);
    await waitFor(() => expect(toggle).toHaveAttribute("aria-checked", "true"));
    expect((await backend.deliveryStatus()).listening).not.toBeNull();
  });

  it("says plainly when the service offers no way to verify deliveries", async () => {
    const { backend, user } = startApp({ mode: "demo" });
    backend.delivery.setSigningKeys(false);
    await openDelivery(user);
    expect(await screen.findByTestId("delivery-status")).toHaveTextContent(
      "doesn't publish the key that proves a result really comes from Lamina",
    );
    expect(screen.getByTestId("delivery-send-test")).toBeDisabled();
  });

  it("shows validation errors next to the fields and saves nothing", async () => {
    const { backend, user } = startApp({ mode: "demo" });
    await openDelivery(user);
    await user.type(await screen.findByTestId("delivery-port"), "80");
    await user.type(screen.getByTestId("delivery-public-url"), "relay.example.com");
    await user.click(screen.getByTestId("delivery-save"));
    expect(await screen.findByTestId("delivery-port-error")).toHaveTextContent(
      "Use a port between 1024 and 65535.",
    );
    expect(screen.getByTestId("delivery-url-error")).toHaveTextContent(
      "Enter a full address starting with http:// or https://.",
    );
    expect((await backend.deliveryStatus()).settings).toEqual({
      enabled: true,
      port: null,
      publicUrl: null,
    });

    // Fixed: saved, and runs now carry the public address.
    await user.clear(screen.getByTestId("delivery-port"));
    await user.type(screen.getByTestId("delivery-port"), "9123");
    await user.clear(screen.getByTestId("delivery-public-url"));
    await user.type(screen.getByTestId("delivery-public-url"), "https://relay.example.com");
    await user.click(screen.getByTestId("delivery-save"));
    await waitFor(() =>
      expect(screen.getByTestId("delivery-status")).toHaveTextContent(
        "Listening on 127.0.0.1:9123. Lamina sends results to https://relay.example.com/lamina/webhook",
      ),
    );
    expect(screen.queryByTestId("delivery-port-error")).toBeNull();
  });

  it("refuses a port another program holds, in plain words, and keeps the old one", async () => {
    const { backend, user } = startApp({ mode: "demo" });
    backend.delivery.busyPorts.add(9000);
    await openDelivery(user);
    await user.type(await screen.findByTestId("delivery-port"), "9000");
    await user.click(screen.getByTestId("delivery-save"));
    expect(await screen.findByTestId("delivery-port-error")).toHaveTextContent(
      "Port 9000 is already used by another program.",
    );
    expect(screen.getByRole("alert")).toHaveTextContent("nothing else was changed");
    const status = await backend.deliveryStatus();
    expect(status.settings.port).toBeNull();
    expect(status.listening).not.toBeNull();
  });

  it("Send test starts a run and its delivery appears live as accepted", async () => {
    const { backend, user } = startApp({ mode: "demo" });
    await openDelivery(user);
    expect(await screen.findByTestId("delivery-log-empty")).toBeInTheDocument();
    await user.click(screen.getByTestId("delivery-send-test"));
    expect(await screen.findByTestId("delivery-test-result")).toHaveTextContent(
      "Waiting for its delivery",
    );
    await waitFor(
      () =>
        expect(screen.getByTestId("delivery-test-result")).toHaveTextContent(
          "Delivery received and its signature verified.",
        ),
      { timeout: 3000 },
    );
    const entries = screen.getAllByTestId("delivery-entry");
    expect(entries).toHaveLength(1);
    expect(entries[0]).toHaveAttribute("data-outcome", "accepted");
    const run = (await backend.listRuns(1, 0))[0];
    expect(run?.webhookUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/lamina\/webhook$/);
    expect(within(entries[0] as HTMLElement).getByText(/^Run /)).toHaveTextContent(
      `Run ${run?.runId?.slice(0, 8) ?? ""}`,
    );

    // A forged delivery shows up too, refused with its reason.
    act(() => {
      backend.delivery.reject("the signature does not verify");
    });
    await waitFor(() => expect(screen.getAllByTestId("delivery-entry")).toHaveLength(2));
    const newest = screen.getAllByTestId("delivery-entry")[0] as HTMLElement;
    expect(newest).toHaveAttribute("data-outcome", "rejected");
    expect(newest).toHaveTextContent("Rejected");
    expect(newest).toHaveTextContent("the signature does not verify");
  });

  it("has no Send test with a real account, where webhooks start off", async () => {
    const { user } = startApp({ mode: "account" });
    await openDelivery(user);
    expect(await screen.findByTestId("delivery-enabled")).toHaveAttribute("aria-checked", "false");
    expect(screen.queryByTestId("delivery-send-test")).toBeNull();
  });
});
