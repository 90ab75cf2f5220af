// Settings → Storage: where the person's own photos are put so Lamina can fetch them. The demo
// workspace has it built in; an account uses an S3-compatible bucket the person owns. The secret
// key goes to Rust once (then the OS keychain) and never comes back: the form only knows it is saved.
import { useId, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { CheckIcon } from "../../../components/Icons";
import { InlineError } from "../../../components/States";
import { BackendError } from "../../../lib/backend";
import type {
  StorageSettingsInput,
  StorageSettingsView,
  StorageTestReport,
} from "../../../lib/backend/types";
import { useForgetStorage, useSaveStorage, useStorageSettings, useTestStorage } from "./useStorage";
import "./storage.css";

export function StorageSettings({ demo }: { demo: boolean }) {
  const { t } = useTranslation("storage");
  const settings = useStorageSettings();
  const view = settings.data;
  return (
    <section
      className="settings-section storage"
      aria-labelledby="storage-heading"
      data-testid="storage-settings"
    >
      <h2 id="storage-heading">{t("heading")}</h2>
      <p className="muted storage-lede">{t("lede")}</p>
      {settings.isError ? <InlineError error={settings.error} /> : null}
      {view && view.active === "builtIn" ? (
        <div className="setting-row">
          <div>
            <div className="setting-name">{t("builtIn.name")}</div>
            <div className="muted" data-testid="storage-kind">
              {t("builtIn.help")}
            </div>
          </div>
          <span className="badge badge-accent">{t("builtIn.badge")}</span>
        </div>
      ) : null}
      {view && !demo ? <BucketForm key={formKey(view)} view={view} /> : null}
      {view && view.active !== "none" ? <TestStorage /> : null}
    </section>
  );
}

function formKey(v: StorageSettingsView): string {
  return JSON.stringify([v.active, v.s3, v.hasSecret, v.maxLongEdge]);
}

function fieldErrors(error: unknown): Record<string, string> {
  if (!error) return {};
  const out: Record<string, string> = {};
  for (const f of BackendError.from(error).fields) if (f.field) out[f.field] = f.reason;
  return out;
}

function wholeNumber(text: string, fallback: number): number {
  const n = Number(text.trim());
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

function BucketForm({ view }: { view: StorageSettingsView }) {
  const { t } = useTranslation(["storage", "common"]);
  const save = useSaveStorage();
  const forget = useForgetStorage();
  const [confirmForget, setConfirmForget] = useState(false);
  const saved = view.s3;
  const [endpoint, setEndpoint] = useState(saved?.endpoint ?? "");
  const [region, setRegion] = useState(saved?.region ?? "");
  const [bucket, setBucket] = useState(saved?.bucket ?? "");
  const [prefix, setPrefix] = useState(saved?.prefix ?? "");
  const [accessKeyId, setAccessKeyId] = useState(saved?.accessKeyId ?? "");
  const [secret, setSecret] = useState("");
  const [pathStyle, setPathStyle] = useState(saved?.pathStyle ?? false);
  const [isPublic, setIsPublic] = useState((saved?.publicBaseUrl ?? null) !== null);
  const [publicBaseUrl, setPublicBaseUrl] = useState(saved?.publicBaseUrl ?? "");
  const [lifetime, setLifetime] = useState(
    String(Math.round((saved?.linkLifetimeSecs ?? 86_400) / 3600)),
  );
  const [maxPx, setMaxPx] = useState(String(view.maxLongEdge));
  const errors = fieldErrors(save.error);
  const fieldLevel = Object.keys(errors).length > 0;

  const input: StorageSettingsInput = {
    s3: {
      endpoint: endpoint.trim(),
      region: region.trim(),
      bucket: bucket.trim(),
      prefix: prefix.trim(),
      accessKeyId: accessKeyId.trim(),
      publicBaseUrl: isPublic && publicBaseUrl.trim() !== "" ? publicBaseUrl.trim() : null,
      linkLifetimeSecs: wholeNumber(lifetime, 24) * 3600,
      pathStyle,
    },
    // Blank keeps the saved secret; it is never shown back.
    secretAccessKey: secret === "" ? null : secret,
    maxLongEdge: wholeNumber(maxPx, 4096),
  };

  return (
    <form
      className="setting-block storage-form"
      data-testid="storage-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(input, { onSuccess: () => setSecret("") });
      }}
    >
      <details className="storage-providers">
        <summary>{t("providers.title")}</summary>
        <ul>
          {(["aws", "r2", "b2", "wasabi", "minio", "gcs"] as const).map((p) => (
            <li key={p}>{t(`providers.${p}`)}</li>
          ))}
        </ul>
      </details>
      <div className="storage-grid">
        <TextField
          name="endpoint"
          value={endpoint}
          onChange={setEndpoint}
          error={errors.endpoint}
          type="url"
          wide
        />
        <TextField name="region" value={region} onChange={setRegion} error={errors.region} />
        <TextField name="bucket" value={bucket} onChange={setBucket} error={errors.bucket} />
        <TextField name="prefix" value={prefix} onChange={setPrefix} error={errors.prefix} />
        <TextField
          name="accessKeyId"
          value={accessKeyId}
          onChange={setAccessKeyId}
          error={errors.accessKeyId}
        />
        <TextField
          name="secretAccessKey"
          value={secret}
          onChange={setSecret}
          error={errors.secretAccessKey}
          type="password"
          placeholder={view.hasSecret ? t("fields.secretAccessKey.keep") : undefined}
          help={
            view.hasSecret ? (
              <span className="storage-saved" data-testid="secret-saved">
                <CheckIcon size={13} /> {t("fields.secretAccessKey.saved")}
              </span>
            ) : undefined
          }
        />
      </div>

      <label className="storage-check">
        <input
          type="checkbox"
          checked={pathStyle}
          data-testid="storage-path-style"
          onChange={(e) => setPathStyle(e.target.checked)}
        />
        {t("pathStyle.label")}
      </label>
      <label className="storage-check">
        <input
          type="checkbox"
          checked={isPublic}
          data-testid="storage-public"
          onChange={(e) => setIsPublic(e.target.checked)}
        />
        {t("public.label")}
      </label>
      {isPublic ? (
        <TextField
          name="publicBaseUrl"
          value={publicBaseUrl}
          onChange={setPublicBaseUrl}
          error={errors.publicBaseUrl}
          type="url"
          wide
        />
      ) : null}
      <div className="storage-grid">
        <TextField
          name="linkLifetimeHours"
          value={lifetime}
          onChange={setLifetime}
          error={errors.linkLifetimeHours}
          numeric
        />
        <TextField
          name="maxLongEdge"
          value={maxPx}
          onChange={setMaxPx}
          error={errors.maxLongEdge}
          numeric
        />
      </div>

      <div className="row-actions">
        <button
          type="submit"
          className="btn btn-primary"
          data-testid="storage-save"
          disabled={save.isPending}
        >
          {save.isPending ? t("saving") : t("save")}
        </button>
        {saved ? (
          <button
            type="button"
            className="btn btn-danger-ghost"
            data-testid="storage-forget"
            disabled={confirmForget}
            onClick={() => setConfirmForget(true)}
          >
            {t("forget.button")}
          </button>
        ) : null}
      </div>
      {saved && !view.hasSecret ? (
        <p className="field-error" data-testid="storage-needs-secret">
          {t("needsSecret")}
        </p>
      ) : null}
      {save.isError && !fieldLevel ? <InlineError error={save.error} /> : null}
      {save.isError && fieldLevel ? (
        <p className="field-error" role="alert">
          {BackendError.from(save.error).message}
        </p>
      ) : null}
      {confirmForget ? (
        <div className="confirm" role="alertdialog" aria-labelledby="storage-forget-title">
          <p id="storage-forget-title">{t("forget.confirm")}</p>
          <div className="row-actions">
            <button type="button" className="btn" onClick={() => setConfirmForget(false)}>
              {t("common:actions.cancel")}
            </button>
            <button
              type="button"
              className="btn btn-danger"
              data-testid="storage-forget-confirm"
              disabled={forget.isPending}
              onClick={() => forget.mutate(undefined, { onSettled: () => setConfirmForget(false) })}
            >
              {t("forget.button")}
            </button>
          </div>
        </div>
      ) : null}
      {forget.isError ? <InlineError error={forget.error} /> : null}
    </form>
  );
}

type FieldName =
  | "endpoint"
  | "region"
  | "bucket"
  | "prefix"
  | "accessKeyId"
  | "secretAccessKey"
  | "publicBaseUrl"
  | "linkLifetimeHours"
  | "maxLongEdge";

function TextField({
  name,
  value,
  onChange,
  error,
  type = "text",
  numeric = false,
  wide = false,
  placeholder,
  help,
}: {
  name: FieldName;
  value: string;
  onChange: (value: string) => void;
  error: string | undefined;
  type?: "text" | "url" | "password";
  numeric?: boolean;
  wide?: boolean;
  placeholder?: string;
  help?: ReactNode;
}) {
  const { t } = useTranslation("storage");
  const id = useId();
  return (
    <div className={`field${error ? " has-error" : ""}${wide ? " storage-wide" : ""}`}>
      <label className="field-label" htmlFor={id}>
        {t(`fields.${name}.label`)}
      </label>
      <input
        id={id}
        className="input"
        type={type}
        inputMode={numeric ? "numeric" : undefined}
        autoComplete="off"
        spellCheck={false}
        placeholder={placeholder ?? t(`fields.${name}.placeholder`)}
        value={value}
        data-testid={`storage-${name}`}
        aria-invalid={error ? true : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {error ? (
        <div className="field-error" data-testid={`storage-${name}-error`}>
          {error}
        </div>
      ) : (
        <div className="field-help">{help ?? t(`fields.${name}.help`)}</div>
      )}
    </div>
  );
}

function TestStorage() {
  const { t } = useTranslation("storage");
  const test = useTestStorage();
  return (
    <div className="setting-row storage-test">
      <div>
        <div className="setting-name">{t("test.name")}</div>
        <div className="muted">{t("test.help")}</div>
        {test.data ? <TestReport report={test.data} /> : null}
        {test.isError ? <InlineError error={test.error} /> : null}
      </div>
      <button
        type="button"
        className="btn"
        data-testid="storage-test"
        disabled={test.isPending}
        onClick={() => test.mutate()}
      >
        {test.isPending ? t("test.running") : t("test.button")}
      </button>
    </div>
  );
}

function TestReport({ report }: { report: StorageTestReport }) {
  const { t } = useTranslation("storage");
  return (
    <div className="storage-report" data-testid="storage-report" role="status">
      <p className={report.ok ? "is-ok" : "is-failed"} data-testid="storage-verdict">
        {report.ok ? t("test.ok") : t("test.failed")}
      </p>
      <ol>
        {report.steps.map((s) => (
          <li
            key={s.step}
            className={`is-${s.status}`}
            data-testid="storage-step"
            data-status={s.status}
          >
            <span className="storage-step-mark" aria-hidden="true">
              {s.status === "passed" ? "✓" : s.status === "failed" ? "✕" : "–"}
            </span>
            <span>
              <strong>{t(`test.steps.${s.step}`)}</strong> {s.message}
            </span>
          </li>
        ))}
      </ol>
      {report.warnings.map((w) => (
        <p key={w} className="storage-warning">
          {w}
        </p>
      ))}
    </div>
  );
}
