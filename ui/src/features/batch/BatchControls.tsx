import { useTranslation } from "react-i18next";
import type { BatchProgress, BatchState } from "../../lib/backend/types";
import type { BatchAction } from "./queries";

/** Pause, Resume, Cancel the rest and Retry the failed: each shown only when it can apply. */
export function BatchControls({
  state,
  progress,
  busy,
  onAction,
}: {
  state: BatchState;
  progress: BatchProgress;
  /** An action is under way: the buttons wait for it. */
  busy: boolean;
  onAction: (action: BatchAction) => void;
}) {
  const { t } = useTranslation("batch");
  const running = state === "active" || state === "paused";
  const controls: {
    action: BatchAction;
    shown: boolean;
    className: string;
    testId: string;
    label: string;
  }[] = [
    {
      action: "pause",
      shown: state === "active" && progress.waiting > 0,
      className: "btn",
      testId: "batch-pause",
      label: t("progress.pause"),
    },
    {
      action: "resume",
      shown: state === "paused",
      className: "btn btn-primary",
      testId: "batch-resume",
      label: t("progress.resume"),
    },
    {
      action: "cancelRest",
      shown: running && progress.waiting > 0,
      className: "btn btn-danger-ghost",
      testId: "batch-cancel-rest",
      label: t("progress.cancelRest"),
    },
    {
      action: "retryFailed",
      shown: progress.failed > 0,
      className: "btn",
      testId: "batch-retry-failed",
      label: t("progress.retryFailed", { count: progress.failed }),
    },
  ];
  return (
    <div className="batch-actions">
      {controls
        .filter((c) => c.shown)
        .map((c) => (
          <button
            key={c.action}
            type="button"
            className={c.className}
            data-testid={c.testId}
            disabled={busy}
            onClick={() => onAction(c.action)}
          >
            {c.label}
          </button>
        ))}
    </div>
  );
}
