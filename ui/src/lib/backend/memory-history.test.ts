import { afterEach, describe, expect, it } from "vitest";
import { MemoryBackend } from "./memory";
import type { HistoryQuery } from "./types";

const ALL: HistoryQuery = {
  text: null,
  appId: null,
  states: [],
  from: null,
  to: null,
  starredOnly: false,
  limit: 100,
  offset: 0,
};
const BASE = Date.parse("2026-03-10T12:00:00Z");

describe("memory history", () => {
  let backend: MemoryBackend;
  afterEach(() => backend.dispose());

  it("pages a seeded history newest first, with the total, capped at 500 per page", async () => {
    backend = new MemoryBackend({ mode: "demo" });
    backend.seedHistory(1200, BASE);
    const first = await backend.searchRuns(ALL);
    expect(first.total).toBe(1200);
    expect(first.runs).toHaveLength(100);
    const dates = first.runs.map((r) => r.createdAt);
    expect([...dates].sort().reverse()).toEqual(dates);
    const last = await backend.searchRuns({ ...ALL, offset: 1150 });
    expect(last.runs).toHaveLength(50);
    expect((await backend.searchRuns({ ...ALL, limit: 10_000 })).runs).toHaveLength(500);
    // Some of everything: failures, unconfirmed runs, favourites.
    const states = new Set(
      (await backend.searchRuns({ ...ALL, limit: 500 })).runs.map((r) => r.status),
    );
    expect(states).toEqual(new Set(["completed", "failed", "unknown"]));
  });

  it("filters by words (all of them, any case), app, states, dates (to exclusive) and stars", async () => {
    backend = new MemoryBackend({ mode: "demo" });
    const a = backend.seedRun({
      appId: "hero-image",
      inputs: { Prompt: "Blue Kettle" },
      createdAt: "2026-03-01T10:00:00Z",
      starred: [0],
    });
    const b = backend.seedRun({
      appId: "social-ad-pack",
      inputs: { "Product Description": "kettle" },
      status: "failed",
      createdAt: "2026-03-02T10:00:00Z",
    });
    const ids = async (q: Partial<HistoryQuery>) =>
      (await backend.searchRuns({ ...ALL, ...q })).runs.map((r) => r.localId);
    expect(await ids({ text: "KETTLE" })).toEqual([b.localId, a.localId]);
    expect(await ids({ text: "blue kettle" })).toEqual([a.localId]);
    expect(await ids({ text: "social" })).toEqual([b.localId]);
    expect(await ids({ text: a.runId })).toEqual([a.localId]);
    expect(await ids({ appId: "hero-image" })).toEqual([a.localId]);
    expect(await ids({ states: ["failed", "cancelled"] })).toEqual([b.localId]);
    expect(await ids({ from: "2026-03-02T00:00:00Z" })).toEqual([b.localId]);
    expect(await ids({ to: "2026-03-02T10:00:00Z" })).toEqual([a.localId]);
    expect(await ids({ starredOnly: true })).toEqual([a.localId]);
  });

  it("lists kept images for the gallery, stars them, and names the apps in history", async () => {
    backend = new MemoryBackend({ mode: "demo" });
    const full = backend.seedRun({ appId: "full-set-catalog", createdAt: "2026-03-01T10:00:00Z" });
    backend.seedRun({ appId: "product-copy", createdAt: "2026-03-02T10:00:00Z" });
    backend.seedRun({ appId: "product-copy", createdAt: "2026-03-03T10:00:00Z" });
    const page = await backend.gallery(ALL);
    expect(page.total).toBe(4);
    expect(page.items.map((i) => i.index)).toEqual([0, 1, 2, 3]);
    expect(page.items[0]).toMatchObject({
      localId: full.localId,
      appName: "Full Set Catalog Generation",
    });
    expect(page.items[0]!.file.thumbnail).not.toBeNull();

    const changed: string[] = [];
    backend.onRunUpdated((r) => changed.push(r.localId));
    const run = await backend.setStarred(full.localId, 2, true);
    expect(run.outputs[2]!.starred).toBe(true);
    expect(changed).toEqual([full.localId]);
    const starred = await backend.gallery({ ...ALL, starredOnly: true });
    expect(starred.items.map((i) => i.index)).toEqual([2]);

    expect(await backend.historyApps()).toEqual([
      { appId: "product-copy", appName: "Product Copy", runs: 2 },
      { appId: "full-set-catalog", appName: "Full Set Catalog Generation", runs: 1 },
    ]);
    expect(backend.mediaUrl(full.localId, 0, "thumb")).toMatch(/^data:image\/svg\+xml/);
  });

  it("checks unconfirmed runs: candidates, linking, not started; refuses confirmed ones", async () => {
    backend = new MemoryBackend({ mode: "demo", stepMs: 5 });
    const unknown = backend.seedRun({ appId: "hero-image", status: "unknown" });
    const done = backend.seedRun({ appId: "hero-image" });
    expect(await backend.findUnknownRun(unknown.localId)).toEqual([]);
    await expect(backend.findUnknownRun(done.localId)).rejects.toMatchObject({ kind: "conflict" });

    const notStarted = await backend.markRunNotStarted(unknown.localId);
    expect(notStarted.status).toBe("failed");
    expect(notStarted.error?.kind).toBe("notStarted");

    const other = backend.seedRun({ appId: "hero-image", status: "unknown" });
    backend.setUnknownCandidates(other.localId, [
      { runId: "run_x", status: "running", createdAt: null },
    ]);
    expect(await backend.findUnknownRun(other.localId)).toHaveLength(1);
    const linked = await backend.linkUnknownRun(other.localId, "run_x");
    expect(linked).toMatchObject({ runId: "run_x", status: "queued", error: null });
  });

  it("goes offline and back, and saves with a fake outcome", async () => {
    backend = new MemoryBackend({ mode: "demo", stepMs: 5 });
    const seen: boolean[] = [];
    backend.onConnectionChanged((online) => seen.push(online));
    backend.setOnline(false);
    expect(await backend.connectionStatus()).toBe(false);
    await expect(backend.startRun("hero-image", { Prompt: "x" })).rejects.toMatchObject({
      kind: "network",
    });
    expect((await backend.listApps(null)).offline).toBe(true);
    expect(await backend.reconnect()).toBe(false);
    backend.setOnline(true);
    expect(seen).toEqual([false, true]);

    const run = backend.seedRun({ appId: "full-set-catalog" });
    expect(await backend.saveOutputs(run.localId, [0, 1], { format: "png" })).toEqual({
      saved: 2,
      cancelled: false,
      location: "~/Pictures/Lamina",
    });
    backend.setSaveCancelled(true);
    expect(await backend.saveOutputs(run.localId, [0], { format: "original" })).toMatchObject({
      saved: 0,
      cancelled: true,
    });
  });
});
