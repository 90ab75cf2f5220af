import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { InlineError } from "../../components/States";
import type { AccountStatus } from "../../lib/backend/types";
import { useConnectAccount } from "../../lib/queries";
import { useUi } from "../../lib/store";

/**
 * Paste-a-key form. The key goes straight to the backend (which checks it and keeps it in the
 * keychain) and is cleared from the field afterwards; the UI never stores it.
 */
export function KeyForm({
  account,
  autoFocus = false,
  submitLabel,
  onDone,
  inputId,
}: {
  account: AccountStatus | undefined;
  /** Take focus when shown (e.g. after "Replace key"). */
  autoFocus?: boolean;
  submitLabel?: string;
  onDone?: () => void;
  inputId?: string;
}) {
  const { t } = useTranslation(["settings", "common"]);
  const generated = useId();
  const id = inputId ?? generated;
  const [key, setKey] = useState("");
  const inputRef = useRef<HTMLInputElement>(null);
  const connect = useConnectAccount();
  const keychainMissing = account ? !account.keychainAvailable : false;

  const focusPending = useUi((s) => s.keyFocusPending);
  const focusDone = useUi((s) => s.keyFocusDone);
  useEffect(() => {
    if (autoFocus) inputRef.current?.focus();
  }, [autoFocus]);
  useEffect(() => {
    if (!focusPending) return;
    inputRef.current?.focus();
    focusDone();
  }, [focusPending, focusDone]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const value = key.trim();
    if (value === "" || connect.isPending) return;
    connect.mutate(value, {
      onSuccess: () => {
        setKey("");
        onDone?.();
      },
    });
  };

  return (
    <form className="key-form" onSubmit={submit} noValidate>
      <label className="field-label" htmlFor={id}>
        {t("keyForm.label")}
      </label>
      <div className="key-row">
        <input
          ref={inputRef}
          id={id}
          name="apiKey"
          className="input"
          type="password"
          autoComplete="off"
          spellCheck={false}
          placeholder={t("keyForm.placeholder")}
          data-testid="api-key-input"
          value={key}
          disabled={keychainMissing}
          onChange={(e) => {
            setKey(e.target.value);
            if (connect.isError) connect.reset();
          }}
        />
        <button
          type="submit"
          className="btn btn-primary"
          data-testid="save-key"
          disabled={connect.isPending || keychainMissing || key.trim() === ""}
        >
          {connect.isPending ? t("keyForm.checking") : (submitLabel ?? t("common:actions.save"))}
        </button>
      </div>
      {keychainMissing && (
        <p className="notice" role="status" data-testid="keychain-message">
          {account?.keychainMessage ?? t("keyForm.keychainMissing")}
        </p>
      )}
      {!keychainMissing && !connect.isError && <p className="field-help">{t("keyForm.help")}</p>}
      {connect.isError && <InlineError error={connect.error} />}
    </form>
  );
}
