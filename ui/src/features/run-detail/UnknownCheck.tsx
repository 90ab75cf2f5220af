import { useState } from "react";
import { useTranslation } from "react-i18next";
import { i18n } from "../../i18n";
import { Details } from "../../components/Details";
import { InlineError } from "../../components/States";
import { BackendError } from "../../lib/backend";
import type { RunCandidate, RunRecord } from "../../lib/backend/types";
import { useUnknownCheck } from "../../lib/run-actions";
import { absoluteTime } from "../../lib/time";
import { failureDetails, formatElapsed, runMessage } from "../runs/status";

const CANDIDATE_STATUS = [
  "queued",
  "running",
  "completed",
  "failed",
  "cancelled",
  "unknown",
] as const;

function candidateStatus(status: string): string {
  const known = CANDIDATE_STATUS.find((s) => s === status);
  return known ? i18n.t(`runDetail:unknown.status.${known}`) : status;
}

function offset(candidate: RunCandidate, run: RunRecord): string {
  const ms = Date.parse(candidate.createdAt ?? "") - Date.parse(run.createdAt);
  if (Number.isNaN(ms)) return "";
  const elapsed = formatElapsed(Math.abs(ms));
  return ms >= 0
    ? i18n.t("runDetail:unknown.after", { elapsed })
    : i18n.t("runDetail:unknown.before", { elapsed });
}

/**
 * A run whose start may or may not have reached the service. Nothing is sent again on its own:
 * the person checks the service's run list, then links the run or closes it as never started.
 */
export function UnknownCheck({ run }: { run: RunRecord }) {
  const { t } = useTranslation("runDetail");
  const { find, link, markNotStarted } = useUnknownCheck(run.localId);
  const [noneOfThese, setNoneOfThese] = useState(false);
  const candidates = find.data ?? [];
  // A service need not offer a run list: then nothing can be checked, and closing the run as
  // never started is the person's call.
  const cannotList = find.isError && BackendError.from(find.error).kind === "unsupported";
  const showNone = cannotList || (find.isSuccess && (candidates.length === 0 || noneOfThese));

  return (
    <div className="run-failure unknown-check" role="status" data-testid="unknown-check">
      <p data-testid="run-error">{runMessage("unknown")}</p>
      <p className="muted">{t("unknown.noResend")}</p>

      {!find.isSuccess && !cannotList && (
        <button
          type="button"
          className="btn btn-small"
          data-testid="check-unknown"
          disabled={find.isPending}
          onClick={() => find.mutate()}
        >
          {find.isPending ? t("unknown.checking") : t("unknown.check")}
        </button>
      )}
      {find.isError && !cannotList && <InlineError error={find.error} />}

      {find.isSuccess && candidates.length > 0 && !noneOfThese && (
        <div className="candidates">
          <p>{t("unknown.candidates", { count: candidates.length })}</p>
          <ul>
            {candidates.map((c) => (
              <li key={c.runId} className="candidate" data-testid="unknown-candidate">
                <span className="candidate-when" title={c.runId}>
                  {absoluteTime(c.createdAt) || t("unknown.noTime")}
                  <span className="muted"> {offset(c, run)}</span>
                </span>
                <span className="badge">{candidateStatus(c.status)}</span>
                <button
                  type="button"
                  className="btn btn-small btn-primary"
                  data-testid="link-candidate"
                  disabled={link.isPending}
                  onClick={() => link.mutate(c.runId)}
                >
                  {t("unknown.mine")}
                </button>
              </li>
            ))}
          </ul>
          <button
            type="button"
            className="btn btn-ghost btn-small"
            data-testid="none-of-these"
            onClick={() => setNoneOfThese(true)}
          >
            {t("unknown.noneMine")}
          </button>
        </div>
      )}

      {showNone && (
        <div className="unknown-none" data-testid="unknown-none">
          <p data-testid={cannotList ? "unknown-cannot-list" : undefined}>
            {cannotList
              ? t("unknown.cannotList")
              : candidates.length === 0
                ? t("unknown.noneFound")
                : t("unknown.neverReached")}
          </p>
          <button
            type="button"
            className="btn btn-small"
            data-testid="mark-not-started"
            disabled={markNotStarted.isPending}
            onClick={() => markNotStarted.mutate()}
          >
            {t("unknown.markNotStarted")}
          </button>
        </div>
      )}
      {(link.isError || markNotStarted.isError) && (
        <InlineError error={link.error ?? markNotStarted.error} />
      )}
      <Details text={failureDetails(run)} />
    </div>
  );
}
