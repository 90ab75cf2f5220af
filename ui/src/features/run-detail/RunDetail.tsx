import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { CloseIcon } from "../../components/Icons";
import { ErrorState, LoadingState } from "../../components/States";
import { StatusPill } from "../../components/StatusPill";
import type { RunRecord } from "../../lib/backend/types";
import { useRun } from "../../lib/queries";
import { absoluteTime } from "../../lib/time";
import { useNow } from "../../lib/useNow";
import { elapsedMs, formatElapsed, isTerminal } from "../runs/status";
import { DetailActions } from "./DetailActions";
import { DetailOutputs } from "./DetailOutputs";
import { RunInputs } from "./RunInputs";
import { RunProblem } from "./RunProblem";
import { UnknownCheck } from "./UnknownCheck";
import { useRerun } from "./useRerun";

/** One run in full, beside the History list: status, problems, results, inputs, actions. */
export function RunDetail({ localId, onClose }: { localId: string; onClose: () => void }) {
  const { t } = useTranslation("runDetail");
  const run = useRun(localId);
  const head = (title: string): ReactNode => (
    <header className="detail-head">
      <h2>{title}</h2>
      <button
        type="button"
        className="icon-btn"
        aria-label={t("close")}
        data-testid="run-detail-close"
        onClick={onClose}
      >
        <CloseIcon />
      </button>
    </header>
  );
  if (run.isPending) {
    return (
      <aside className="run-detail" data-testid="run-detail" aria-label={t("label")}>
        {head(t("run"))}
        <LoadingState label={t("opening")} />
      </aside>
    );
  }
  if (run.isError) {
    return (
      <aside className="run-detail" data-testid="run-detail" aria-label={t("label")}>
        {head(t("run"))}
        <ErrorState error={run.error} title={t("failed")} onRetry={() => void run.refetch()} />
      </aside>
    );
  }
  return <Loaded run={run.data} head={head} onClose={onClose} />;
}

function Loaded({
  run,
  head,
  onClose,
}: {
  run: RunRecord;
  head: (title: string) => ReactNode;
  onClose: () => void;
}) {
  const { t } = useTranslation("runDetail");
  const { rerun, isPending } = useRerun();
  const now = useNow(isTerminal(run) ? 60_000 : 1000);
  return (
    <aside
      className="run-detail"
      data-testid="run-detail"
      data-status={run.status}
      data-local-id={run.localId}
      aria-label={t("labelFor", { app: run.appName })}
      onKeyDown={(e) => {
        // Esc in the panel closes it. Keys from the lightbox (a portal) bubble here through
        // React but are not inside the panel: they are left alone.
        if (e.key === "Escape" && e.currentTarget.contains(e.target as Node)) onClose();
      }}
    >
      {head(run.appName)}
      <div className="detail-body">
        <dl className="detail-facts">
          <div>
            <dt>{t("facts.status")}</dt>
            <dd>
              <StatusPill status={run.status} />
            </dd>
          </div>
          <div>
            <dt>{t("facts.started")}</dt>
            <dd>{absoluteTime(run.createdAt)}</dd>
          </div>
          {run.completedAt && (
            <div>
              <dt>{t("facts.finished")}</dt>
              <dd>{absoluteTime(run.completedAt)}</dd>
            </div>
          )}
          {run.status !== "unknown" && (
            <div>
              <dt>{t("facts.took")}</dt>
              <dd>{formatElapsed(elapsedMs(run, now))}</dd>
            </div>
          )}
        </dl>
        {run.status === "unknown" && <UnknownCheck run={run} />}
        <RunProblem run={run} onStartAgain={() => rerun(run)} starting={isPending} />
        <DetailOutputs run={run} />
        <RunInputs run={run} />
      </div>
      <DetailActions run={run} onRerun={() => rerun(run)} starting={isPending} />
    </aside>
  );
}
