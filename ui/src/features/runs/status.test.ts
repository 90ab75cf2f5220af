import { describe, expect, it } from "vitest";
import type { RunRecord } from "../../lib/backend/types";
import {
  FAILED_MESSAGE,
  STATUS_LABEL,
  failureDetails,
  failureMessage,
  formatElapsed,
} from "./status";

const base = {
  localId: "l1",
  runId: "run_1",
  appId: "a",
  appName: "A",
  inputs: {},
  baseUrl: "",
  webhookUrl: null,
  errorMessage: null,
  error: null,
  outputs: [],
  createdAt: "2026-01-01T10:00:00Z",
  startedAt: null,
  completedAt: null,
  updatedAt: "2026-01-01T10:00:00Z",
} satisfies Omit<RunRecord, "status">;

describe("run status words", () => {
  it("labels every state for a shop owner", () => {
    expect(STATUS_LABEL).toEqual({
      starting: "Starting",
      queued: "Queued",
      running: "Running",
      completed: "Done",
      failed: "Failed",
      unknown: "Check needed",
      cancelled: "Stopped",
    });
  });

  it("prefers the backend's friendly message, else words from the state", () => {
    expect(failureMessage({ ...base, status: "failed", errorMessage: "HTTP 502 upstream" })).toBe(
      FAILED_MESSAGE,
    );
    expect(
      failureMessage({
        ...base,
        status: "unknown",
        error: { kind: "network", message: "We lost the connection.", detail: "reset" },
      }),
    ).toBe("We lost the connection.");
    expect(failureMessage({ ...base, status: "completed" })).toBeNull();
  });

  it("keeps the raw text for Details", () => {
    const details = failureDetails({
      ...base,
      status: "failed",
      errorMessage: "HTTP 502 upstream",
      outputs: [
        {
          index: 0,
          outputId: "o",
          label: "Front",
          type: "image",
          status: "error",
          value: null,
          error: "node crashed",
          file: null,
          fileError: null,
        },
      ],
    });
    expect(details).toContain("HTTP 502 upstream");
    expect(details).toContain("Output 1 (Front): node crashed");
    expect(details).toContain("Run id: run_1");
  });

  it("formats elapsed time", () => {
    expect(formatElapsed(8_400)).toBe("8 s");
    expect(formatElapsed(65_000)).toBe("1 min 05 s");
    expect(formatElapsed(3_720_000)).toBe("1 h 02 min");
  });
});
