import { useState } from "react";
import { InlineError } from "../../components/States";
import type { AccountStatus } from "../../lib/backend/types";
import { useForgetKey, useStartDemo } from "../../lib/queries";
import { usePrefs, type Theme } from "../../lib/store";
import { DeliverySettings } from "./delivery/DeliverySettings";
import { KeyForm } from "./KeyForm";

const THEMES: { value: Theme; label: string }[] = [
  { value: "system", label: "System" },
  { value: "light", label: "Light" },
  { value: "dark", label: "Dark" },
];

export function SettingsPage({ account }: { account: AccountStatus }) {
  const theme = usePrefs((s) => s.theme);
  const setTheme = usePrefs((s) => s.setTheme);

  return (
    <div className="page settings-page" data-testid="settings-page">
      <header className="page-header">
        <h1>Settings</h1>
      </header>

      <section className="settings-section" aria-labelledby="account-heading">
        <h2 id="account-heading">Account</h2>
        <AccountSettings account={account} />
      </section>

      {account.mode !== "none" && <DeliverySettings demo={account.mode === "demo"} />}

      <section className="settings-section" aria-labelledby="look-heading">
        <h2 id="look-heading">Appearance</h2>
        <div className="setting-row">
          <div>
            <div className="setting-name" id="theme-label">
              Theme
            </div>
            <div className="muted">“System” follows your computer's light or dark mode.</div>
          </div>
          <div className="segmented" role="radiogroup" aria-labelledby="theme-label">
            {THEMES.map((t) => (
              <button
                key={t.value}
                type="button"
                role="radio"
                className="segment"
                aria-checked={theme === t.value}
                data-option={t.label}
                data-testid={`theme-${t.value}`}
                onClick={() => setTheme(t.value)}
              >
                {t.label}
              </button>
            ))}
          </div>
        </div>
      </section>
    </div>
  );
}

function AccountSettings({ account }: { account: AccountStatus }) {
  // With an account the key form opens on "Replace key"; otherwise it is always there.
  const [replacing, setReplacing] = useState(false);
  const [confirmForget, setConfirmForget] = useState(false);
  const forget = useForgetKey();
  const demo = useStartDemo();
  const showForm = account.mode !== "account" || replacing;

  return (
    <>
      <div className="setting-row">
        <div>
          <div className="setting-name">Workspace</div>
          <div className="muted">
            {account.mode === "demo"
              ? "The demo workspace: sample apps, nothing is charged."
              : account.mode === "account"
                ? "Your Lamina account."
                : "None yet."}
          </div>
        </div>
        {account.mode === "demo" ? (
          <span className="badge badge-accent">Demo workspace</span>
        ) : (
          <span className="badge">Lamina account</span>
        )}
      </div>

      <div className="setting-row">
        <div>
          <div className="setting-name">API key</div>
          <div className="muted" data-testid="key-status">
            {account.hasKey ? `•••• ${account.keyLastFour ?? ""}`.trim() : "No key saved"}
          </div>
        </div>
        <div className="row-actions">
          {account.hasKey && !showForm && (
            <button
              type="button"
              className="btn"
              data-testid="replace-key"
              onClick={() => setReplacing(true)}
            >
              Replace key
            </button>
          )}
          {account.hasKey && (
            <button
              type="button"
              className="btn btn-danger-ghost"
              data-testid="forget-key"
              onClick={() => setConfirmForget(true)}
              disabled={confirmForget}
            >
              Forget key
            </button>
          )}
        </div>
      </div>

      {confirmForget && (
        <div className="confirm" role="alertdialog" aria-labelledby="forget-title">
          <p id="forget-title">
            Forget your key on this computer? You'll need to paste it again to use your account.
          </p>
          <div className="row-actions">
            <button type="button" className="btn" onClick={() => setConfirmForget(false)}>
              Cancel
            </button>
            <button
              type="button"
              className="btn btn-danger"
              data-testid="forget-key-confirm"
              disabled={forget.isPending}
              onClick={() => forget.mutate(undefined, { onSettled: () => setConfirmForget(false) })}
            >
              {forget.isPending ? "Forgetting…" : "Forget key"}
            </button>
          </div>
        </div>
      )}
      {forget.isError && <InlineError error={forget.error} />}

      {showForm && (
        <div className="setting-block">
          <div className="setting-name">
            {account.hasKey ? "Replace your key" : "Connect your account"}
          </div>
          <KeyForm
            account={account}
            autoFocus={replacing}
            submitLabel={account.hasKey ? "Replace" : "Save"}
            onDone={() => setReplacing(false)}
          />
          {account.mode === "account" && (
            <button
              type="button"
              className="btn btn-ghost btn-small"
              onClick={() => setReplacing(false)}
            >
              Cancel
            </button>
          )}
        </div>
      )}

      {account.mode !== "demo" && (
        <div className="setting-row">
          <div>
            <div className="setting-name">Demo workspace</div>
            <div className="muted">
              Try sample apps without using your credits. Your key stays saved.
            </div>
          </div>
          <button
            type="button"
            className="btn"
            data-testid="switch-to-demo"
            disabled={demo.isPending}
            onClick={() => demo.mutate()}
          >
            Switch to demo
          </button>
        </div>
      )}
      {demo.isError && <InlineError error={demo.error} />}
    </>
  );
}
