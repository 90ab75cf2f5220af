// Settings → Connection in the memory backend: the report `check_connection` gives (the same
// lines, statuses and sentences as lamina-core's doctor), built from the memory workspace's
// state. Tests set `clockOffsetS` or go offline to see the other outcomes.
import type { CheckLine, DoctorReport, EndpointFinding, Verdict } from "./types";

export interface DoctorState {
  demo: boolean;
  online: boolean;
  baseUrl: string;
  keyLastFour: string | null;
  /** The service's clock minus this computer's. */
  clockOffsetS: number;
  /** The webhook receiver's public address, when one is set and webhooks are on. */
  publicUrl: string | null;
}

const ENDPOINTS: EndpointFinding["endpoint"][] = [
  "runList",
  "wait",
  "stream",
  "usage",
  "signingKey",
  "workflow",
  // Issue 18's GET endpoints; its POST ones are never probed (learned on first use).
  "assets",
  "templates",
  "brandContext",
  "publishingChannels",
  "publishingHistory",
];

function verdictOf(lines: CheckLine[], unreachable: boolean): Verdict {
  if (unreachable) return "unreachable";
  if (lines.some((l) => l.status === "problem")) return "problems";
  if (lines.some((l) => l.status === "warning")) return "warnings";
  return "healthy";
}

function clockLine(offsetS: number): CheckLine {
  const gap =
    Math.abs(offsetS) < 120
      ? `${Math.abs(offsetS)} seconds`
      : `${Math.round(Math.abs(offsetS) / 60)} minutes`;
  const side = offsetS > 0 ? "behind" : "ahead of";
  const detail = `difference ${offsetS >= 0 ? "+" : ""}${offsetS} s (the service minus this computer)`;
  if (Math.abs(offsetS) > 300) {
    return {
      check: "clock",
      status: "problem",
      message: `Your computer's clock is ${gap} ${side} Lamina's, so webhooks will be refused. Set your computer's clock automatically.`,
      detail,
    };
  }
  if (Math.abs(offsetS) > 60) {
    return {
      check: "clock",
      status: "warning",
      message: `Your computer's clock is ${gap} ${side} Lamina's. Set your computer's clock automatically before it drifts further (webhooks allow 5 minutes).`,
      detail,
    };
  }
  return {
    check: "clock",
    status: "ok",
    message: "Your computer's clock matches Lamina's.",
    detail,
  };
}

export function memoryReport(state: DoctorState): DoctorReport {
  const last = state.keyLastFour ?? "";
  const keychain: CheckLine = state.demo
    ? {
        check: "keychain",
        status: "skipped",
        message: "The demo workspace needs no key.",
        detail: "",
      }
    : {
        check: "keychain",
        status: "ok",
        message: "Your key is kept safe in this computer's keychain.",
        detail: "keyring 4: memory store; entry account lamina-api-key; the entry holds a key",
      };
  const webhook: CheckLine = state.publicUrl
    ? {
        check: "webhook",
        status: "ok",
        message: "Your webhook address reaches this computer.",
        detail: `GET ${state.publicUrl} → 200; receiver: lamina-desktop-webhook-receiver; token matches this receiver`,
      }
    : {
        check: "webhook",
        status: "skipped",
        message: "No public webhook address is set, so results arrive by checking on runs.",
        detail: "",
      };
  if (!state.online) {
    const skipped = (check: CheckLine["check"], message: string): CheckLine => ({
      check,
      status: "skipped",
      message,
      detail: "",
    });
    const lines: CheckLine[] = [
      {
        check: "key",
        status: "problem",
        message:
          "Lamina can't be reached at this address. Check your internet connection and the address, then try again.",
        detail:
          "GET /v1/apps: error sending request: tcp connect error: Connection refused (os error 111)",
      },
      skipped("tls", "Encryption is checked once the service answers."),
      skipped("generation", "Checked once the service answers."),
      skipped("endpoints", "Optional features are checked once Lamina accepts your key."),
      skipped("rateLimit", "The rate limit is checked once the service answers."),
      skipped("clock", "The clock is checked once the service answers."),
      webhook,
      keychain,
    ];
    return { service: state.baseUrl, verdict: "unreachable", lines, endpoints: [] };
  }
  const endpoints: EndpointFinding[] = ENDPOINTS.map((endpoint) => ({
    endpoint,
    offered: true,
    detail: `${endpoint}: 200 application/json: offered`,
  }));
  const lines: CheckLine[] = [
    {
      check: "key",
      status: "ok",
      message: state.demo
        ? "Lamina accepts the demo workspace's key."
        : `Lamina accepts your key (the one ending in ${last}).`,
      detail: "GET /v1/apps?limit=1 → 200 application/json in 3 ms: 1 app(s) on the first page",
    },
    {
      check: "tls",
      status: "ok",
      message: state.demo
        ? "This service runs on this computer (like the demo workspace), so it needs no encryption."
        : "Your connection to Lamina is encrypted.",
      detail: state.demo
        ? "http://127.0.0.1: loopback address, plain HTTP"
        : "TLS handshake completed",
    },
    {
      check: "generation",
      status: "ok",
      message: "The service speaks the current Lamina API (/v1). It also answers the other one.",
      detail:
        "GET /v1/apps?limit=1 → 200 application/json\nGET /api/apps?limit=1 → 200 application/json",
    },
    {
      check: "endpoints",
      status: "ok",
      message: "The service offers every optional feature the app can use.",
      detail: endpoints.map((e) => e.detail).join("\n"),
    },
    {
      check: "rateLimit",
      status: "ok",
      message: "Lamina allows 100 requests every minute; the app paces itself to stay under it.",
      detail: "RateLimit-Limit: 100; RateLimit-Reset: 60",
    },
    clockLine(state.clockOffsetS),
    webhook,
    keychain,
  ];
  return { service: state.baseUrl, verdict: verdictOf(lines, false), lines, endpoints };
}
