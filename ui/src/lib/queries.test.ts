import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import type { RunRecord } from "./backend/types";
import { keys, mergeRuns, upsertRun } from "./queries";

function run(
  localId: string,
  createdAt: string,
  updatedAt: string,
  status: RunRecord["status"] = "running",
): RunRecord {
  return {
    localId,
    runId: null,
    appId: "a",
    appName: "A",
    inputs: {},
    baseUrl: "",
    webhookUrl: null,
    status,
    errorMessage: null,
    error: null,
    outputs: [],
    createdAt,
    startedAt: null,
    completedAt: null,
    updatedAt,
  };
}

describe("run cache", () => {
  it("folds events in: newer state wins, a late stale event is ignored, newest run first", () => {
    const client = new QueryClient();
    client.setQueryData(keys.runs, [run("1", "2026-01-01T10:00:00Z", "2026-01-01T10:00:01Z")]);
    upsertRun(client, run("2", "2026-01-01T10:05:00Z", "2026-01-01T10:05:00Z", "starting"));
    upsertRun(client, run("1", "2026-01-01T10:00:00Z", "2026-01-01T10:00:09Z", "completed"));
    upsertRun(client, run("1", "2026-01-01T10:00:00Z", "2026-01-01T10:00:05Z", "running"));
    const runs = client.getQueryData<RunRecord[]>(keys.runs)!;
    expect(runs.map((r) => [r.localId, r.status])).toEqual([
      ["2", "starting"],
      ["1", "completed"],
    ]);
  });

  it("keeps what events already knew when a slower list arrives", () => {
    const cached = [
      run("new", "2026-01-01T10:05:00Z", "2026-01-01T10:05:00Z", "starting"),
      run("1", "2026-01-01T10:00:00Z", "2026-01-01T10:00:09Z", "completed"),
    ];
    const fresh = [run("1", "2026-01-01T10:00:00Z", "2026-01-01T10:00:05Z", "running")];
    expect(mergeRuns(fresh, cached).map((r) => [r.localId, r.status])).toEqual([
      ["new", "starting"],
      ["1", "completed"],
    ]);
  });

  it("keeps an event that came before any list was cached (it is in the run's own entry)", () => {
    const fresh = [run("1", "2026-01-01T10:00:00Z", "2026-01-01T10:00:05Z", "running")];
    const own = run("1", "2026-01-01T10:00:00Z", "2026-01-01T10:00:09Z", "completed");
    const merged = mergeRuns(fresh, undefined, (id) => (id === "1" ? own : undefined));
    expect(merged.map((r) => [r.localId, r.status])).toEqual([["1", "completed"]]);
    // An older own entry does not win over the list.
    const stale = run("1", "2026-01-01T10:00:00Z", "2026-01-01T10:00:01Z", "starting");
    expect(mergeRuns(fresh, undefined, () => stale)[0]?.status).toBe("running");
  });
});
