import { useEffect, useId, useRef, useState, type FormEvent } from "react";
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
  submitLabel = "Save",
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
        API key
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
          placeholder="Paste your key"
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
          {connect.isPending ? "Checking…" : submitLabel}
        </button>
      </div>
      {keychainMissing && (
        <p className="notice" role="status" data-testid="keychain-message">
          {account?.keychainMessage ??
            "Your computer's keychain isn't available, so your key can't be kept safely."}
        </p>
      )}
      {!keychainMissing && !connect.isError && (
        <p className="field-help">
          Find it in your Lamina dashboard. It's kept in your computer's keychain, never in a file.
        </p>
      )}
      {connect.isError && <InlineError error={connect.error} />}
    </form>
  );
}
