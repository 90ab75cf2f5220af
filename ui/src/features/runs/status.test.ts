import { describe, expect, it } from "vitest";
import type { RunRecord } from "../../lib/backend/types";
import {
  describeFailure,
  failureDetails,
  failureMessage,
  formatElapsed,
  invalidField,
  runMessage,
  statusLabel,
} from "./status";

const BAD_KEY_MESSAGE = runMessage("badKey");
const BUSY_MESSAGE = runMessage("busy");
const CANCELLED_MESSAGE = runMessage("cancelled");
const FAILED_MESSAGE = runMessage("appFailed");
const INVALID_MESSAGE = runMessage("invalidInput");
const NOT_STARTED_MESSAGE = runMessage("notStarted");
const NO_CREDITS_MESSAGE = runMessage("noCredits");
const OFFLINE_MESSAGE = runMessage("offline");
const UNKNOWN_MESSAGE = runMessage("unknown");
const STATES = [
  "starting",
  "queued",
  "running",
  "completed",
  "failed",
  "unknown",
  "cancelled",
] as const;
const STATUS_LABEL = Object.fromEntries(STATES.map((s) => [s, statusLabel(s)]));

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
      unknown: "Unknown — check",
      cancelled: "Stopped",
    });
  });

  it("says what went wrong in plain words chosen from the error's kind", () => {
    const failed = (error: RunRecord["error"], extra: Partial<RunRecord> = {}) =>
      describeFailure({ ...base, status: "failed", error, ...extra });
    const err = (kind: string, detail = "", message = "raw words") => ({
      kind,
      message,
      detail,
      fields: [],
    });

    expect(failed(err("unauthorized", "HTTP 401"))).toMatchObject({
      kind: "badKey",
      message: BAD_KEY_MESSAGE,
    });
    expect(failed(err("forbidden"))?.kind).toBe("badKey");
    // Out of credits: by HTTP status, or a "credits" message from the service.
    expect(failed(err("unknown", "POST /runs (HTTP 402) [request r-1]"))).toMatchObject({
      kind: "noCredits",
      message: NO_CREDITS_MESSAGE,
    });
    expect(failed(null, { errorMessage: "Insufficient credits for this app" })?.kind).toBe(
      "noCredits",
    );
    expect(failed(err("outOfCredits"))?.kind).toBe("noCredits");
    expect(failed(null, { errorMessage: "Used 4 credits, then the model timed out" })?.kind).toBe(
      "appFailed",
    );
    // Invalid input names the field the service complained about.
    expect(
      failed(err("invalidInput", '"Reference Image": could not be downloaded (HTTP 422)'), {
        inputs: { Prompt: "lamp", "Reference Image": "https://x/y.png" },
      }),
    ).toMatchObject({
      kind: "invalidInput",
      field: "Reference Image",
      message: "Lamina couldn't use “Reference Image”. Open the form to fix it, then start again.",
    });
    expect(failed(err("invalidInput", "bad request"))).toMatchObject({
      kind: "invalidInput",
      message: INVALID_MESSAGE,
    });
    expect(failed(err("rateLimited", "HTTP 429"))?.message).toBe(BUSY_MESSAGE);
    expect(failed(err("server", "HTTP 503"))?.message).toBe(BUSY_MESSAGE);
    // An app failure that says the model was overloaded: busy, not "something went wrong".
    expect(failed(null, { errorMessage: "Model capacity exceeded" })).toMatchObject({
      kind: "busy",
      message: BUSY_MESSAGE,
    });
    expect(failed(null, { errorMessage: "Upstream overloaded, try again later" })?.kind).toBe(
      "busy",
    );
    expect(failed(err("network"))?.message).toBe(OFFLINE_MESSAGE);
    expect(failed(err("timeout"))?.message).toBe(OFFLINE_MESSAGE);
    expect(failed(err("notStarted"))).toMatchObject({
      kind: "notStarted",
      message: NOT_STARTED_MESSAGE,
    });
    // The app itself failed: general words; the raw errorMessage stays for Details.
    expect(failed(null, { errorMessage: "HTTP 502 upstream" })).toMatchObject({
      kind: "appFailed",
      message: FAILED_MESSAGE,
    });
    // A kind we don't know yet: the backend's own words.
    expect(failed(err("somethingNew", "", "Lamina said no."))?.message).toBe("Lamina said no.");
    expect(describeFailure({ ...base, status: "cancelled" })?.message).toBe(CANCELLED_MESSAGE);
  });

  it("treats an unconfirmed run as 'check first', whatever its error", () => {
    const unknown = { ...base, status: "unknown" as const };
    expect(
      failureMessage({
        ...unknown,
        error: { kind: "network", message: "x", detail: "", fields: [] },
      }),
    ).toBe(UNKNOWN_MESSAGE);
    expect(failureMessage({ ...base, status: "completed" })).toBeNull();
    expect(failureMessage({ ...base, status: "running" })).toBeNull();
  });

  it("finds the field an invalid-input error is about", () => {
    const run = (detail: string) => ({
      ...base,
      status: "failed" as const,
      inputs: { Prompt: "lamp", "Aspect Ratio": "1:1" },
      error: {
        kind: "invalidInput",
        message: "Some details need another look.",
        detail,
        fields: [],
      },
    });
    expect(invalidField(run("aspect ratio must be one of 1:1, 4:3"))).toBe("Aspect Ratio");
    expect(invalidField(run("field `Prompt` is required"))).toBe("Prompt");
    expect(invalidField(run("nothing to go on"))).toBeUndefined();
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
          starred: false,
        },
      ],
    });
    expect(details).toContain("HTTP 502 upstream");
    expect(details).toContain("Output 1 (Front): node crashed");
    expect(details).toContain("Run id: run_1");
    expect(
      failureDetails({
        ...base,
        status: "failed",
        error: {
          kind: "server",
          message: "",
          detail: "POST /runs (HTTP 503) [request req-9]",
          fields: [],
        },
      }),
    ).toMatch(/HTTP 503.*request req-9[\s\S]*Kind: server/);
  });

  it("formats elapsed time", () => {
    expect(formatElapsed(8_400)).toBe("8 s");
    expect(formatElapsed(65_000)).toBe("1 min 05 s");
    expect(formatElapsed(3_720_000)).toBe("1 h 02 min");
  });
});
