import { useToasts } from "../lib/toasts";
import { AlertIcon, CheckIcon, CloseIcon } from "./Icons";

/** Confirmations and action failures, bottom-right; announced politely to screen readers. */
export function Toaster() {
  const toasts = useToasts((s) => s.toasts);
  const dismiss = useToasts((s) => s.dismiss);
  return (
    <div className="toaster" role="status" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`toast toast-${t.tone}`} data-testid="toast">
          {t.tone === "error" ? <AlertIcon size={16} /> : <CheckIcon size={16} />}
          <span>{t.message}</span>
          <button
            type="button"
            className="icon-btn toast-close"
            aria-label="Dismiss"
            onClick={() => dismiss(t.id)}
          >
            <CloseIcon size={14} />
          </button>
        </div>
      ))}
    </div>
  );
}
