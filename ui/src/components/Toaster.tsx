import { useTranslation } from "react-i18next";
import { useToasts } from "../lib/toasts";
import { AlertIcon, CheckIcon, CloseIcon } from "./Icons";

/** Confirmations and action failures, bottom-right; announced politely to screen readers. */
export function Toaster() {
  const { t } = useTranslation();
  const toasts = useToasts((s) => s.toasts);
  const dismiss = useToasts((s) => s.dismiss);
  return (
    <div className="toaster" role="status" aria-live="polite">
      {toasts.map((item) => (
        <div key={item.id} className={`toast toast-${item.tone}`} data-testid="toast">
          {item.tone === "error" ? <AlertIcon size={16} /> : <CheckIcon size={16} />}
          <span>{item.message}</span>
          <button
            type="button"
            className="icon-btn toast-close"
            aria-label={t("actions.dismiss")}
            onClick={() => dismiss(item.id)}
          >
            <CloseIcon size={14} />
          </button>
        </div>
      ))}
    </div>
  );
}
