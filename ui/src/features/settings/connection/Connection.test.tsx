// Settings → Connection on the memory backend: "Check connection" lists a line per check with
// its icon, sentence and Details; a clock 10 minutes off is marked as needing a fix with what to
// do; an unreachable service says so.
import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { startApp } from "../../../test/app";

async function runCheck(user: ReturnType<typeof startApp>["user"]) {
  await user.click(await screen.findByTestId("nav-settings"));
  const section = await screen.findByTestId("connection-check");
  await user.click(within(section).getByTestId("connection-check-button"));
  return screen.findByTestId("connection-report");
}

describe("Settings → Connection", () => {
  it("lists every check with an icon, the sentence and its details", async () => {
    const { user } = startApp({ mode: "account" });
    const report = await runCheck(user);
    expect(report).toHaveAttribute("data-verdict", "healthy");
    expect(screen.getByTestId("connection-verdict")).toHaveTextContent("Everything is fine.");
    const lines = within(report).getAllByRole("listitem");
    expect(lines.map((l) => l.getAttribute("data-testid"))).toEqual([
      "connection-line-key",
      "connection-line-tls",
      "connection-line-generation",
      "connection-line-endpoints",
      "connection-line-rateLimit",
      "connection-line-clock",
      "connection-line-webhook",
      "connection-line-keychain",
    ]);
    const key = screen.getByTestId("connection-line-key");
    expect(key).toHaveAttribute("data-status", "ok");
    expect(within(key).getByRole("img", { name: "Fine" })).toBeInTheDocument();
    expect(key).toHaveTextContent("Key");
    expect(key).toHaveTextContent("Lamina accepts your key (the one ending in d3m0).");
    await user.click(within(key).getByTestId("details-toggle"));
    expect(within(key).getByTestId("details")).toHaveTextContent("GET /v1/apps?limit=1 → 200");
    const webhook = screen.getByTestId("connection-line-webhook");
    expect(within(webhook).getByRole("img", { name: "Not checked" })).toBeInTheDocument();
    expect(screen.getByTestId("connection-check-button")).toHaveTextContent("Check again");
  });

  it("marks a clock 10 minutes off as needing a fix and says what to do", async () => {
    const { backend, user } = startApp({ mode: "account" });
    backend.clockOffsetS = 600;
    const report = await runCheck(user);
    expect(report).toHaveAttribute("data-verdict", "problems");
    const clock = screen.getByTestId("connection-line-clock");
    expect(clock).toHaveAttribute("data-status", "problem");
    expect(within(clock).getByRole("img", { name: "Needs fixing" })).toBeInTheDocument();
    expect(clock).toHaveTextContent("10 minutes behind Lamina's");
    expect(clock).toHaveTextContent("Set your computer's clock automatically.");
  });

  it("says when Lamina can't be reached and leaves the rest unchecked", async () => {
    const { backend, user } = startApp({ mode: "account" });
    await user.click(await screen.findByTestId("nav-settings"));
    backend.setOnline(false, false);
    await user.click(await screen.findByTestId("connection-check-button"));
    const report = await screen.findByTestId("connection-report");
    expect(report).toHaveAttribute("data-verdict", "unreachable");
    expect(screen.getByTestId("connection-verdict")).toHaveTextContent(
      "Lamina couldn't be reached, so the rest couldn't be checked.",
    );
    expect(screen.getByTestId("connection-line-key")).toHaveAttribute("data-status", "problem");
    await waitFor(() =>
      expect(screen.getByTestId("connection-line-clock")).toHaveAttribute("data-status", "skipped"),
    );
  });
});
