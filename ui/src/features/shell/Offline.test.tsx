// Losing the connection: a calm banner, History and Gallery keep working, Try again probes.
import { act, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { startApp } from "../../test/app";

describe("Offline", () => {
  it("shows the banner while offline, keeps History working, and Try again calls reconnect", async () => {
    const { backend, user } = startApp({}, (b) => b.seedHistory(5));
    const reconnect = vi.spyOn(backend, "reconnect");
    await screen.findByTestId("nav-apps");
    expect(screen.queryByTestId("offline-banner")).toBeNull();

    act(() => backend.setOnline(false));
    const banner = await screen.findByTestId("offline-banner");
    expect(banner).toHaveTextContent(
      "You're offline — runs will update when the connection returns.",
    );

    // Local history needs no connection.
    await user.click(screen.getByTestId("nav-history"));
    await waitFor(() => expect(screen.getAllByTestId("history-row")).toHaveLength(5));
    await user.click(screen.getByTestId("nav-gallery"));
    await waitFor(() => expect(screen.getAllByTestId("gallery-item").length).toBeGreaterThan(0));

    await user.click(screen.getByTestId("offline-retry"));
    await waitFor(() => expect(reconnect).toHaveBeenCalledTimes(1));
    expect(await screen.findByText(/Still no connection/)).toBeInTheDocument();
    expect(screen.getByTestId("offline-banner")).toBeInTheDocument();

    act(() => backend.setOnline(true));
    await waitFor(() => expect(screen.queryByTestId("offline-banner")).toBeNull());
  });

  it("starts offline when the backend says so, and Try again brings it back", async () => {
    const { backend, user } = startApp({ offline: true });
    expect(await screen.findByTestId("offline-banner")).toBeInTheDocument();
    // Only one banner, even though the catalog is also the cached one.
    expect(screen.getAllByTestId("offline-banner")).toHaveLength(1);
    backend.setOnline(true, false); // the network is back, but nobody has noticed yet
    expect(screen.getByTestId("offline-banner")).toBeInTheDocument();
    await user.click(screen.getByTestId("offline-retry"));
    await waitFor(() => expect(screen.queryByTestId("offline-banner")).toBeNull());
  });
});
