import { useState } from "react";
import { useTranslation } from "react-i18next";
import { InlineError } from "../../components/States";
import type { AccountStatus } from "../../lib/backend/types";
import { useForgetKey, useFreshAccount, useStartDemo } from "../../lib/queries";
import { usePrefs, type Theme } from "../../lib/store";
import { ShortcutsButton } from "../shortcuts/ShortcutsDialog";
import { ConnectionCheck } from "./connection/ConnectionCheck";
import { DeliverySettings } from "./delivery/DeliverySettings";
import { KeyForm } from "./KeyForm";
import { StorageSettings } from "./storage/StorageSettings";

const THEMES: readonly Theme[] = ["system", "light", "dark"];

export function SettingsPage({ account }: { account: AccountStatus }) {
  useFreshAccount();
  const { t } = useTranslation(["settings", "shortcuts"]);
  const theme = usePrefs((s) => s.theme);
  const setTheme = usePrefs((s) => s.setTheme);

  return (
    <div className="page settings-page" data-testid="settings-page">
      <header className="page-header">
        <h1>{t("title")}</h1>
      </header>

      <section className="settings-section" aria-labelledby="account-heading">
        <h2 id="account-heading">{t("account.title")}</h2>
        <AccountSettings account={account} />
      </section>

      {account.mode !== "none" && <ConnectionCheck />}

      {account.mode !== "none" && <DeliverySettings demo={account.mode === "demo"} />}

      {account.mode !== "none" && <StorageSettings demo={account.mode === "demo"} />}

      <section className="settings-section" aria-labelledby="look-heading">
        <h2 id="look-heading">{t("appearance.title")}</h2>
        <div className="setting-row">
          <div>
            <div className="setting-name" id="theme-label">
              {t("appearance.theme")}
            </div>
            <div className="muted">{t("appearance.themeHelp")}</div>
          </div>
          <div className="segmented" role="radiogroup" aria-labelledby="theme-label">
            {THEMES.map((value) => (
              <button
                key={value}
                type="button"
                role="radio"
                className="segment"
                aria-checked={theme === value}
                data-option={value}
                data-testid={`theme-${value}`}
                onClick={() => setTheme(value)}
              >
                {t(`appearance.themes.${value}`)}
              </button>
            ))}
          </div>
        </div>
        <div className="setting-row">
          <div>
            <div className="setting-name">{t("shortcuts:open")}</div>
            <div className="muted">{t("shortcuts:openHint")}</div>
          </div>
          <ShortcutsButton />
        </div>
      </section>
    </div>
  );
}

function AccountSettings({ account }: { account: AccountStatus }) {
  // With an account the key form opens on "Replace key"; otherwise it is always there.
  const { t } = useTranslation(["settings", "common"]);
  const [replacing, setReplacing] = useState(false);
  const [confirmForget, setConfirmForget] = useState(false);
  const forget = useForgetKey();
  const demo = useStartDemo();
  const showForm = account.mode !== "account" || replacing;

  return (
    <>
      <div className="setting-row">
        <div>
          <div className="setting-name">{t("account.workspace")}</div>
          <div className="muted">
            {account.mode === "demo"
              ? t("account.demo")
              : account.mode === "account"
                ? t("account.accountAt", { address: serviceAddress(account.baseUrl) })
                : t("account.none")}
          </div>
        </div>
        {account.mode === "demo" ? (
          <span className="badge badge-accent">{t("account.demoBadge")}</span>
        ) : (
          <span className="badge">{t("account.accountBadge")}</span>
        )}
      </div>

      <div className="setting-row">
        <div>
          <div className="setting-name">{t("account.apiKey")}</div>
          <div className="muted" data-testid="key-status">
            {account.hasKey
              ? t("account.lastFour", { lastFour: account.keyLastFour ?? "" }).trim()
              : t("account.noKey")}
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
              {t("account.replaceKey")}
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
              {t("account.forgetKey")}
            </button>
          )}
        </div>
      </div>

      {confirmForget && (
        <div className="confirm" role="alertdialog" aria-labelledby="forget-title">
          <p id="forget-title">{t("account.forgetConfirm")}</p>
          <div className="row-actions">
            <button type="button" className="btn" onClick={() => setConfirmForget(false)}>
              {t("common:actions.cancel")}
            </button>
            <button
              type="button"
              className="btn btn-danger"
              data-testid="forget-key-confirm"
              disabled={forget.isPending}
              onClick={() => forget.mutate(undefined, { onSettled: () => setConfirmForget(false) })}
            >
              {forget.isPending ? t("account.forgetting") : t("account.forgetKey")}
            </button>
          </div>
        </div>
      )}
      {forget.isError && <InlineError error={forget.error} />}

      {showForm && (
        <div className="setting-block">
          <div className="setting-name">
            {account.hasKey ? t("account.replaceTitle") : t("account.connectTitle")}
          </div>
          <KeyForm
            account={account}
            autoFocus={replacing}
            submitLabel={account.hasKey ? t("account.replace") : t("common:actions.save")}
            onDone={() => setReplacing(false)}
          />
          {account.mode === "account" && (
            <button
              type="button"
              className="btn btn-ghost btn-small"
              onClick={() => setReplacing(false)}
            >
              {t("common:actions.cancel")}
            </button>
          )}
        </div>
      )}

      {account.mode !== "demo" && (
        <div className="setting-row">
          <div>
            <div className="setting-name">{t("account.demoTitle")}</div>
            <div className="muted">{t("account.demoBody")}</div>
          </div>
          <button
            type="button"
            className="btn"
            data-testid="switch-to-demo"
            disabled={demo.isPending}
            onClick={() => demo.mutate()}
          >
            {t("account.switchToDemo")}
          </button>
        </div>
      )}
      {demo.isError && <InlineError error={demo.error} />}
    </>
  );
}

/** The service's address as a person reads it: no scheme, no trailing slash. */
function serviceAddress(baseUrl: string): string {
  return baseUrl.replace(/^https?:\/\//, "").replace(/\/+$/, "");
}
