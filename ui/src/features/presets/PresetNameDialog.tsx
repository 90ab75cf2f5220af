import * as Dialog from "@radix-ui/react-dialog";
import { useId, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { BackendError } from "../../lib/backend";

/** `lamina_core::presets::MAX_NAME_CHARS`; the backend says so in words when it is passed. */
const MAX_NAME = 80;

/** Asks for a preset's name (save or rename); shows the backend's refusal next to the field. */
export function PresetNameDialog({
  open,
  title,
  description,
  confirmLabel,
  initialName,
  onOpenChange,
  onConfirm,
}: {
  open: boolean;
  title: string;
  description: string;
  confirmLabel: string;
  initialName: string;
  onOpenChange: (open: boolean) => void;
  /** Resolves when done (the dialog closes), rejects with the reason to show. */
  onConfirm: (name: string) => Promise<unknown>;
}) {
  const { t } = useTranslation("presets");
  const { t: tc } = useTranslation("common");
  const [name, setName] = useState(initialName);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const fieldId = useId();
  const errorId = useId();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    onConfirm(name)
      .then(() => onOpenChange(false))
      .catch((err: unknown) => setError(BackendError.from(err).message))
      .finally(() => setBusy(false));
  };

  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="preset-overlay" />
        <Dialog.Content className="preset-dialog" data-testid="preset-name-dialog">
          <Dialog.Title className="preset-dialog-title">{title}</Dialog.Title>
          <Dialog.Description className="preset-dialog-text">{description}</Dialog.Description>
          <form onSubmit={submit} className="preset-dialog-form">
            <label className="preset-dialog-label" htmlFor={fieldId}>
              {t("nameDialog.name")}
            </label>
            <input
              id={fieldId}
              className="input"
              data-testid="preset-name-input"
              value={name}
              maxLength={MAX_NAME + 20}
              placeholder={t("nameDialog.placeholder")}
              autoFocus
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? errorId : undefined}
              onChange={(e) => {
                setName(e.target.value);
                setError(null);
              }}
            />
            {error && (
              <p id={errorId} className="field-error" role="alert" data-testid="preset-name-error">
                {error}
              </p>
            )}
            <div className="preset-dialog-actions">
              <Dialog.Close className="btn">{tc("actions.cancel")}</Dialog.Close>
              <button
                type="submit"
                className="btn btn-primary"
                data-testid="preset-name-confirm"
                disabled={busy || name.trim() === ""}
              >
                {busy ? t("nameDialog.working") : confirmLabel}
              </button>
            </div>
          </form>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
