import { Component, type ErrorInfo, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Details } from "./Details";
import { AlertIcon } from "./Icons";

/** Last line of defence: a bug in one screen shows words and a way out, not a blank window. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  componentDidCatch(error: Error, info: ErrorInfo) {
    console.error("UI error", error, info.componentStack);
  }

  render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return <Crashed error={error} onRetry={() => this.setState({ error: null })} />;
  }
}

function Crashed({ error, onRetry }: { error: Error; onRetry: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="fullscreen">
      <div className="state state-error" role="alert">
        <div className="state-icon">
          <AlertIcon size={20} />
        </div>
        <h3>{t("crash.title")}</h3>
        <p>{t("crash.body")}</p>
        <button type="button" className="btn" onClick={onRetry}>
          {t("actions.retry")}
        </button>
        <Details text={`${error.name}: ${error.message}\n${error.stack ?? ""}`} />
      </div>
    </div>
  );
}
