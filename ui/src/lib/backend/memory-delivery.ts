// Settings → Delivery in the memory backend: the same validation and answers as the Rust side
// (lamina-core webhook::settings), a delivery log, and "Send test" that starts a Product Copy
// run whose delivery is logged (accepted) when it settles. Also the credits the header shows.
import { appError, clone } from "./memory-demo";
import type { DeliveryLogEntry, DeliverySettings, DeliveryStatus, RunRecord, Usage } from "./types";

export const LOWEST_PORT = 1024;
const LOG_LENGTH = 200;

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}

/** A bare origin gets the receiver's path, as in Rust. */
function withPath(text: string): string {
  const url = new URL(text);
  if (url.pathname === "/" || url.pathname === "") url.pathname = "/lamina/webhook";
  return url.toString();
}

export class MemoryDelivery {
  private settings: DeliverySettings;
  private listening: string | null = null;
  private webhookUrl: string | null = null;
  private readonly log: DeliveryLogEntry[] = [];
  private readonly listeners = new Set<(entry: DeliveryLogEntry) => void>();
  /** Ports "another program" holds (tests set it). */
  readonly busyPorts = new Set<number>([8080]);
  /** Whether the service publishes webhook signing keys (tests of a service without them). */
  signingKeys = true;
  usage: Usage | null = {
    credits: { balance: 4250.5, totalEarned: 10000, totalSpent: 5749.5 },
    rateLimit: { limit: 100, windowMs: 60000 },
  };

  constructor(demo: boolean) {
    this.settings = MemoryDelivery.defaults(demo);
    this.start(this.settings);
  }

  /** Demo: on, any free port. An account: off, Lamina CLI's port. */
  static defaults(demo: boolean): DeliverySettings {
    return demo
      ? { enabled: true, port: null, publicUrl: null }
      : { enabled: false, port: 8788, publicUrl: null };
  }

  /** Another workspace: its own settings and log. */
  reset(demo: boolean): void {
    this.settings = MemoryDelivery.defaults(demo);
    this.log.length = 0;
    this.start(this.settings);
  }

  status(): DeliveryStatus {
    return clone({
      settings: this.settings,
      listening: this.listening,
      webhookUrl: this.webhookUrl,
    });
  }

  /** Whether runs started now carry a webhook. */
  get url(): string | null {
    return this.webhookUrl;
  }

  apply(next: DeliverySettings): DeliveryStatus {
    const publicUrl = next.publicUrl?.trim() ? next.publicUrl.trim() : null;
    const fields: { field: string; reason: string }[] = [];
    if (next.port !== null && (next.port < LOWEST_PORT || next.port > 65535)) {
      fields.push({ field: "port", reason: `Use a port between ${LOWEST_PORT} and 65535.` });
    }
    if (publicUrl !== null && !isHttpUrl(publicUrl)) {
      fields.push({
        field: "publicUrl",
        reason: "Enter a full address starting with http:// or https://.",
      });
    }
    if (fields.length > 0) {
      throw appError({
        kind: "invalidInput",
        message: fields[0]?.reason ?? "Check the delivery settings.",
        detail: fields.map((f) => `${f.field}: ${f.reason}`).join("; "),
        fields,
      });
    }
    if (next.enabled && next.port !== null && this.busyPorts.has(next.port)) {
      const port = next.port;
      throw appError({
        kind: "conflict",
        message: `Port ${port} is already used by another program. Pick another port; nothing else was changed.`,
        detail: `cannot listen on 127.0.0.1:${port}: Address already in use (os error 98)`,
        fields: [{ field: "port", reason: `Port ${port} is already used by another program.` }],
      });
    }
    this.settings = { enabled: next.enabled, port: next.port, publicUrl };
    this.start(this.settings);
    return this.status();
  }

  recent(limit: number): DeliveryLogEntry[] {
    return clone(this.log.slice(0, Math.min(limit, LOG_LENGTH)));
  }

  onLogged(callback: (entry: DeliveryLogEntry) => void): () => void {
    this.listeners.add(callback);
    return () => {
      this.listeners.delete(callback);
    };
  }

  /** A run settled: with webhooks on, the service's signed delivery arrives and is accepted. */
  runSettled(run: RunRecord): void {
    if (!this.webhookUrl || !run.webhookUrl) return;
    this.record({
      requestId: run.runId,
      runId: run.runId,
      httpStatus: 200,
      outcome: "accepted",
      reason: `run is now ${run.status}`,
    });
    const credits = this.usage?.credits;
    if (run.status === "completed" && credits) {
      credits.balance = (credits.balance ?? 0) - 2.5;
      credits.totalSpent = (credits.totalSpent ?? 0) + 2.5;
    }
  }

  /** A forged or broken delivery (tests and the browser demo). */
  reject(reason: string, httpStatus = 401): DeliveryLogEntry {
    return this.record({
      requestId: "forged",
      runId: null,
      httpStatus,
      outcome: "rejected",
      reason,
    });
  }

  clear(): void {
    this.listeners.clear();
  }

  private record(entry: Omit<DeliveryLogEntry, "id" | "receivedAt">): DeliveryLogEntry {
    const full: DeliveryLogEntry = {
      id: (this.log[0]?.id ?? 0) + 1,
      receivedAt: new Date().toISOString(),
      ...entry,
    };
    this.log.unshift(full);
    this.log.length = Math.min(this.log.length, LOG_LENGTH);
    for (const listener of this.listeners) listener(clone(full));
    return clone(full);
  }

  /** Tests: the service stops (or starts) publishing signing keys; the receiver restarts. */
  setSigningKeys(offered: boolean): void {
    this.signingKeys = offered;
    this.start(this.settings);
  }

  private start(settings: DeliverySettings): void {
    if (!settings.enabled) {
      this.listening = null;
      this.webhookUrl = null;
      return;
    }
    const port = settings.port ?? 41877;
    this.listening = `127.0.0.1:${port}`;
    // As in Rust: deliveries that cannot be verified are not asked for.
    if (!this.signingKeys) {
      this.webhookUrl = null;
      return;
    }
    this.webhookUrl = settings.publicUrl
      ? withPath(settings.publicUrl)
      : `http://${this.listening}/lamina/webhook`;
  }
}
