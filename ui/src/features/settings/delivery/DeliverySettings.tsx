// Settings → Delivery: webhook delivery on or off, port and public address, "Send test", and
// the last deliveries (live). The receiver and its checks run in Rust (lamina-core webhook).
import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { InlineError } from "../../../components/States";
import { formatDate } from "../../../i18n/format";
import { BackendError } from "../../../lib/backend";
import type {
  DeliveryLogEntry,
  DeliverySettings as Settings,
  DeliveryStatus,
} from "../../../lib/backend/types";
import { useDeliveryLog, useDeliveryStatus, useSaveDelivery, useSendTest } from "./useDelivery";
import "./delivery.css";

export function DeliverySettings({ demo }: { demo: boolean }) {
  const { t } = useTranslation("delivery");
  const status = useDeliveryStatus();

  return (
    <section
      className="settings-section delivery"
      aria-labelledby="delivery-heading"
      data-testid="delivery-settings"
    >
      <h2 id="delivery-heading">{t("heading")}</h2>
      {status.data ? (
        // Saved values come back normalised (trimmed, blank → none): a new form shows those.
        <DeliveryForm
          key={`${status.data.settings.port ?? ""}|${status.data.settings.publicUrl ?? ""}`}
          status={status.data}
        />
      ) : status.isError ? (
        <InlineError error={status.error} />
      ) : null}
      {demo && status.data ? <SendTest enabled={status.data.webhookUrl !== null} /> : null}
      {status.data ? <DeliveryLog /> : null}
    </section>
  );
}

function fieldErrors(error: unknown): Record<string, string> {
  if (!error) return {};
  const out: Record<string, string> = {};
  for (const f of BackendError.from(error).fields) {
    if (f.field) out[f.field] = f.reason;
  }
  return out;
}

function DeliveryForm({ status }: { status: DeliveryStatus }) {
  const { t } = useTranslation("delivery");
  const save = useSaveDelivery();
  const { settings } = status;
  const [port, setPort] = useState(settings.port === null ? "" : String(settings.port));
  const [publicUrl, setPublicUrl] = useState(settings.publicUrl ?? "");
  const portId = useId();
  const urlId = useId();

  const parsedPort = port.trim() === "" ? null : Number(port.trim());
  const draft: Settings = {
    enabled: settings.enabled,
    // Not a whole number: sent as 0 so the backend names the field.
    port: parsedPort === null ? null : Number.isInteger(parsedPort) ? parsedPort : 0,
    publicUrl: publicUrl.trim() === "" ? null : publicUrl.trim(),
  };
  const dirty = draft.port !== settings.port || draft.publicUrl !== settings.publicUrl;
  const errors = fieldErrors(save.error);
  const fieldLevel = Object.keys(errors).length > 0;

  return (
    <>
      <div className="setting-row">
        <div>
          <div className="setting-name" id="webhook-switch-label">
            {t("webhook.name")}
          </div>
          <div className="muted">{t("webhook.help")}</div>
        </div>
        <button
          type="button"
          role="switch"
          className="switch"
          aria-checked={settings.enabled}
          aria-labelledby="webhook-switch-label"
          data-testid="delivery-enabled"
          disabled={save.isPending}
          onClick={() => save.mutate({ ...draft, enabled: !settings.enabled })}
        >
          <span className="switch-thumb" aria-hidden="true" />
          <span className="visually-hidden">
            {settings.enabled ? t("webhook.on") : t("webhook.off")}
          </span>
        </button>
      </div>

      <div className="setting-block delivery-status" data-testid="delivery-status">
        <span className={`status-dot ${status.listening ? "is-on" : ""}`} aria-hidden="true" />
        <span className="muted">
          {status.listening && status.webhookUrl
            ? t("status.listening", { address: status.listening, url: status.webhookUrl })
            : status.listening
              ? t("status.unverifiable")
              : t("status.off")}
        </span>
      </div>

      <form
        className="setting-block delivery-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate(draft);
        }}
      >
        <div className={`field delivery-port ${errors.port ? "has-error" : ""}`}>
          <label className="field-label" htmlFor={portId}>
            {t("port.label")}
          </label>
          <input
            id={portId}
            className="input"
            inputMode="numeric"
            placeholder={t("port.placeholder")}
            value={port}
            data-testid="delivery-port"
            aria-invalid={errors.port ? true : undefined}
            onChange={(e) => setPort(e.target.value)}
          />
          {errors.port ? (
            <div className="field-error" data-testid="delivery-port-error">
              {errors.port}
            </div>
          ) : (
            <div className="field-help">{t("port.help")}</div>
          )}
        </div>
        <div className={`field ${errors.publicUrl ? "has-error" : ""}`}>
          <label className="field-label" htmlFor={urlId}>
            {t("publicUrl.label")}
          </label>
          <input
            id={urlId}
            className="input"
            type="url"
            placeholder={t("publicUrl.placeholder")}
            value={publicUrl}
            data-testid="delivery-public-url"
            aria-invalid={errors.publicUrl ? true : undefined}
            onChange={(e) => setPublicUrl(e.target.value)}
          />
          {errors.publicUrl ? (
            <div className="field-error" data-testid="delivery-url-error">
              {errors.publicUrl}
            </div>
          ) : null}
          <div className="field-help">{t("publicUrl.help")}</div>
        </div>
        <div className="row-actions">
          <button
            type="submit"
            className="btn btn-primary"
            data-testid="delivery-save"
            disabled={!dirty || save.isPending}
          >
            {save.isPending ? t("saving") : t("save")}
          </button>
        </div>
        {/* A busy port also explains itself in full (nothing else was changed). */}
        {save.isError && (!fieldLevel || BackendError.from(save.error).kind === "conflict") ? (
          <InlineError error={save.error} />
        ) : null}
      </form>
    </>
  );
}

function SendTest({ enabled }: { enabled: boolean }) {
  const { t } = useTranslation("delivery");
  const send = useSendTest();
  const log = useDeliveryLog();
  const runId = send.data?.runId ?? null;
  const arrived = runId ? log.data?.find((e) => e.runId === runId) : undefined;

  return (
    <div className="setting-row delivery-test">
      <div>
        <div className="setting-name">{t("test.name")}</div>
        <div className="muted">{t("test.help")}</div>
        {send.isSuccess ? (
          <div
            className={`delivery-test-result ${arrived ? `is-${arrived.outcome}` : ""}`}
            data-testid="delivery-test-result"
            role="status"
          >
            {!arrived
              ? t("test.waiting")
              : arrived.outcome === "rejected"
                ? t("test.rejected", { reason: arrived.reason ?? "" })
                : t("test.verified")}
          </div>
        ) : null}
        {send.isError ? <InlineError error={send.error} /> : null}
      </div>
      <button
        type="button"
        className="btn"
        data-testid="delivery-send-test"
        disabled={!enabled || send.isPending}
        onClick={() => send.mutate()}
      >
        {send.isPending ? t("test.sending") : t("test.button")}
      </button>
    </div>
  );
}

function DeliveryLog() {
  const { t } = useTranslation("delivery");
  const log = useDeliveryLog();
  const entries = log.data ?? [];
  return (
    <div className="setting-block delivery-log">
      <div className="setting-name">{t("log.heading")}</div>
      {log.isError ? <InlineError error={log.error} /> : null}
      {entries.length === 0 ? (
        <p className="muted" data-testid="delivery-log-empty">
          {t("log.empty")}
        </p>
      ) : (
        <ul className="delivery-list" data-testid="delivery-log" aria-live="polite">
          {entries.map((entry) => (
            <DeliveryRow key={entry.id} entry={entry} />
          ))}
        </ul>
      )}
    </div>
  );
}

function DeliveryRow({ entry }: { entry: DeliveryLogEntry }) {
  const { t } = useTranslation("delivery");
  return (
    <li className="delivery-item" data-testid="delivery-entry" data-outcome={entry.outcome}>
      <time className="delivery-time" dateTime={entry.receivedAt}>
        {formatDate(new Date(entry.receivedAt), { timeStyle: "medium" })}
      </time>
      <span className={`delivery-outcome is-${entry.outcome}`}>
        {t(`log.outcome.${entry.outcome}`)}
      </span>
      <span className="delivery-run" title={entry.runId ?? undefined}>
        {entry.runId ? t("log.run", { id: entry.runId.slice(0, 8) }) : t("log.noRun")}
      </span>
      <span className="delivery-reason muted">{entry.reason}</span>
    </li>
  );
}
