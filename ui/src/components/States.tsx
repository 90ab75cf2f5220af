import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { i18n } from "../i18n";
import { friendlyError } from "../lib/errors";
import { Details } from "./Details";
import { AlertIcon } from "./Icons";

export function Spinner({ label }: { label?: string }) {
  return <span className="spinner" role="status" aria-label={label ?? i18n.t("loading")} />;
}

export function LoadingState({ label }: { label: string }) {
  return (
    <div className="state state-loading">
      <Spinner label={label} />
      <p>{label}</p>
    </div>
  );
}

export function EmptyState({
  icon,
  title,
  children,
}: {
  icon?: ReactNode;
  title: string;
  children?: ReactNode;
}) {
  return (
    <div className="state state-empty">
      {icon && <div className="state-icon">{icon}</div>}
      <h3>{title}</h3>
      {children}
    </div>
  );
}

/** A failed load: plain words, a way to try again, and the raw error behind "Details". */
export function ErrorState({
  error,
  title,
  onRetry,
}: {
  error: unknown;
  title?: string;
  onRetry?: () => void;
}) {
  const { t } = useTranslation();
  const f = friendlyError(error);
  return (
    <div className="state state-error" role="alert">
      <div className="state-icon">
        <AlertIcon size={20} />
      </div>
      {title && <h3>{title}</h3>}
      <p data-testid="error-message">{f.message}</p>
      {onRetry && (
        <button type="button" className="btn" onClick={onRetry}>
          {t("actions.retry")}
        </button>
      )}
      <Details text={f.detail} />
    </div>
  );
}

/** An inline error under a form or action: plain words + Details. */
export function InlineError({ error }: { error: unknown }) {
  const f = friendlyError(error);
  return (
    <div className="inline-error" role="alert">
      <AlertIcon size={16} />
      <div>
        <p>{f.message}</p>
        <Details text={f.detail} />
      </div>
    </div>
  );
}
