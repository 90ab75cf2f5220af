import { afterEach, describe, expect, it, vi } from "vitest";
import { BackendError } from "./index";
import { MemoryBackend } from "./memory";
import type { RunRecord } from "./types";

vi.mock("@tauri-apps/api/core", () => ({
  convertFileSrc: (path: string, protocol: string) =>
    `${protocol}://localhost/${encodeURIComponent(path)}`,
}));

const listeners: ((e: { payload: RunRecord }) => void)[] = [];
const unlisten = vi.fn();
const connectionListeners: ((e: { payload: { online: boolean } }) => void)[] = [];
vi.mock("./bindings", () => ({
  commands: {
    accountStatus: vi.fn(async () => ({
      status: "ok",
      data: {
        mode: "demo",
        hasKey: false,
        keyLastFour: null,
        keychainAvailable: true,
        keychainMessage: null,
        baseUrl: "x",
      },
    })),
    getApp: vi.fn(async () => ({
      status: "error",
      error: { kind: "notFound", message: "This app could not be found.", detail: "HTTP 404" },
    })),
    listApps: vi.fn(async () => {
      throw "Command list_apps not found";
    }),
    searchRuns: vi.fn(async () => ({ status: "ok", data: { runs: [], total: 0 } })),
    copyText: vi.fn(async () => ({ status: "ok", data: null })),
    markRunNotStarted: vi.fn(async () => ({
      status: "error",
      error: { kind: "conflict", message: "Already confirmed.", detail: "", fields: [] },
    })),
  },
  events: {
    runUpdated: {
      listen: vi.fn(async (cb: (e: { payload: RunRecord }) => void) => {
        listeners.push(cb);
        return unlisten;
      }),
    },
    connectionChanged: {
      listen: vi.fn(async (cb: (e: { payload: { online: boolean } }) => void) => {
        connectionListeners.push(cb);
        return () => {};
      }),
    },
  },
}));

describe("tauri backend", () => {
  it("unwraps Results into data or a typed BackendError", async () => {
    const { createTauriBackend } = await import("./tauri");
    const backend = createTauriBackend();
    expect((await backend.accountStatus()).mode).toBe("demo");

    const notFound = await backend.getApp("nope").catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(BackendError);
    expect((notFound as BackendError).kind).toBe("notFound");
    expect((notFound as BackendError).detail).toBe("HTTP 404");

    // An IPC failure that is not an AppError still arrives as a BackendError.
    const ipc = await backend.listApps(null).catch((e: unknown) => e);
    expect(ipc).toBeInstanceOf(BackendError);
    expect((ipc as BackendError).kind).toBe("internal");
    expect((ipc as BackendError).detail).toBe("Command list_apps not found");
  });

  it("serves images through the lamina protocol by local id and index", async () => {
    const { createTauriBackend } = await import("./tauri");
    const backend = createTauriBackend();
    expect(backend.mediaUrl("run-1", 2)).toBe("lamina://localhost/run-1/2");
    expect(backend.mediaUrl("run-1", 2, "full")).toBe("lamina://localhost/run-1/2");
    expect(backend.mediaUrl("run-1", 2, "thumb")).toBe("lamina://localhost/run-1/2/thumb");
  });

  it("unwraps the history, file and connection commands", async () => {
    const { createTauriBackend } = await import("./tauri");
    const backend = createTauriBackend();
    expect(await backend.searchRuns({} as never)).toEqual({ runs: [], total: 0 });
    await expect(backend.copyText("x")).resolves.toBeUndefined();
    await expect(backend.markRunNotStarted("l1")).rejects.toMatchObject({ kind: "conflict" });

    const seen: boolean[] = [];
    backend.onConnectionChanged((online) => seen.push(online));
    await vi.waitFor(() => expect(connectionListeners).toHaveLength(1));
    connectionListeners[0]!({ payload: { online: false } });
    expect(seen).toEqual([false]);
  });

  it("forwards run events and unsubscribes even before listening finished", async () => {
    const { createTauriBackend } = await import("./tauri");
    const backend = createTauriBackend();
    const seen: string[] = [];
    const stop = backend.onRunUpdated((run) => seen.push(run.status));
    await vi.waitFor(() => expect(listeners).toHaveLength(1));
    listeners[0]!({ payload: { status: "running" } as RunRecord });
    stop();
    listeners[0]!({ payload: { status: "completed" } as RunRecord });
    expect(seen).toEqual(["running"]);
    expect(unlisten).toHaveBeenCalledTimes(1);

    const early = backend.onRunUpdated(() => {});
    early(); // before listen() resolved
    await vi.waitFor(() => expect(unlisten).toHaveBeenCalledTimes(2));
  });
});

describe("memory backend", () => {
  let backend: MemoryBackend;
  afterEach(() => backend.dispose());

  it("moves a run starting → queued → running → completed and emits every step", async () => {
    backend = new MemoryBackend({ stepMs: 20, mode: "demo" });
    const statuses: string[] = [];
    backend.onRunUpdated((r) => statuses.push(r.status));
    const run = await backend.startRun("hero-image", { Prompt: "vase" });
    expect(run.status).toBe("queued");
    expect(run.runId).toMatch(/^run_/);
    await vi.waitFor(async () =>
      expect((await backend.getRun(run.localId)).status).toBe("completed"),
    );
    const done = await backend.getRun(run.localId);
    expect(done.outputs[0]).toMatchObject({ type: "image", status: "completed" });
    expect(done.outputs[0]!.file).not.toBeNull();
    expect(backend.mediaUrl(run.localId, 0)).toMatch(/^data:image\/svg\+xml/);
    expect(statuses[0]).toBe("starting");
    expect(statuses).toContain("queued");
    expect(statuses).toContain("running");
    expect(statuses.at(-1)).toBe("completed");
    expect(await backend.lastInputs("hero-image")).toEqual({ Prompt: "vase" });
  });

  it("refuses invalid inputs with field errors, like the Rust side", async () => {
    backend = new MemoryBackend({ stepMs: 20, mode: "demo" });
    const error = await backend
      .startRun("hero-image", { "Aspect Ratio": "2:1" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as BackendError).kind).toBe("invalidInput");
    expect((error as BackendError).fields.map((f) => f.field)).toEqual(["Prompt", "Aspect Ratio"]);
    expect(await backend.listRuns(10, 0)).toEqual([]);
  });

  it("fails the failing app with the service's raw message kept", async () => {
    backend = new MemoryBackend({ stepMs: 20, mode: "demo" });
    const run = await backend.startRun("virtual-try-on", {});
    await vi.waitFor(async () => expect((await backend.getRun(run.localId)).status).toBe("failed"));
    expect((await backend.getRun(run.localId)).errorMessage).toBe(
      "Model capacity exceeded, please retry later",
    );
  });

  it("rejects a bad key and keeps only the last four characters of a good one", async () => {
    backend = new MemoryBackend({ stepMs: 3 });
    await expect(backend.connectAccount("bad")).rejects.toMatchObject({ kind: "unauthorized" });
    const status = await backend.connectAccount("  lam_live_abcdef1234  ");
    expect(status).toMatchObject({ mode: "account", hasKey: true, keyLastFour: "1234" });
    expect(JSON.stringify(status)).not.toContain("abcdef");
  });
});
