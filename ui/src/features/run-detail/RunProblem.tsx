import { useTranslation } from "react-i18next";
import { Details } from "../../components/Details";
import { RetryIcon } from "../../components/Icons";
import type { RunRecord } from "../../lib/backend/types";
import { useUi } from "../../lib/store";
import { describeFailure, failureDetails } from "../runs/status";

/**
 * What went wrong, in plain words chosen from the error's kind, with the way forward (Settings
 * for a refused key, the form for a bad input, Start again once a run is known not to have
 * started) and the raw text behind Details. Partial results get a calmer note.
 */
export function RunProblem({
  run,
  onStartAgain,
  starting,
}: {
  run: RunRecord;
  onStartAgain: () => void;
  starting: boolean;
}) {
  const { t } = useTranslation("runDetail");
  const navigate = useUi((s) => s.navigate);
  const requestKeyForm = useUi((s) => s.requestKeyForm);
  const failure = describeFailure(run);
  // Unconfirmed runs have their own panel (UnknownCheck).
  if (failure?.kind === "unknown") return null;

  const missing = run.outputs.filter((o) => o.status === "error" || o.fileError).length;
  if (!failure) {
    if (run.status !== "completed" || missing === 0) return null;
    return (
      <div className="run-failure run-partial" role="status" data-testid="run-partial">
        <p data-testid="run-warning">
          {t("problem.partial", { count: missing, total: run.outputs.length })}
        </p>
        <Details text={failureDetails(run)} />
      </div>
    );
  }

  return (
    <div className="run-failure" role="alert" data-kind={failure.kind} data-testid="run-failure">
      <p data-testid="run-error">{failure.message}</p>
      <div className="run-failure-actions">
        {failure.kind === "badKey" && (
          <button
            type="button"
            className="btn btn-small"
            data-testid="open-settings"
            onClick={requestKeyForm}
          >
            {t("problem.openSettings")}
          </button>
        )}
        {failure.kind === "invalidInput" && (
          <button
            type="button"
            className="btn btn-small"
            data-testid="failure-open-form"
            onClick={() => navigate({ page: "app", appId: run.appId, prefill: run.inputs })}
          >
            {t("problem.openInForm")}
          </button>
        )}
        {failure.kind === "notStarted" && (
          <button
            type="button"
            className="btn btn-small btn-primary"
            data-testid="start-again"
            disabled={starting}
            onClick={onStartAgain}
          >
            <RetryIcon size={14} /> {starting ? t("problem.starting") : t("problem.startAgain")}
          </button>
        )}
        <Details text={failureDetails(run)} />
      </div>
    </div>
  );
}
