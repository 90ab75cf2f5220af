import { useState } from "react";
import { Details } from "../../components/Details";
import { InlineError } from "../../components/States";
import type { RunCandidate, RunRecord } from "../../lib/backend/types";
import { useUnknownCheck } from "../../lib/run-actions";
import { absoluteTime } from "../../lib/time";
import { UNKNOWN_MESSAGE, failureDetails, formatElapsed } from "../runs/status";

const CANDIDATE_STATUS: Record<string, string> = {
  queued: "Queued",
  running: "Running",
  completed: "Done",
  failed: "Failed",
  cancelled: "Stopped",
  unknown: "Status unknown",
};

function offset(candidate: RunCandidate, run: RunRecord): string {
  const ms = Date.parse(candidate.createdAt ?? "") - Date.parse(run.createdAt);
  if (Number.isNaN(ms)) return "";
  return `${formatElapsed(Math.abs(ms))} ${ms >= 0 ? "after" : "before"} you started it`;
}

/**
 * A run whose start may or may not have reached the service. Nothing is sent again on its own:
 * the person checks the service's run list, then links the run or closes it as never started.
 */
export function UnknownCheck({ run }: { run: RunRecord }) {
  const { find, link, markNotStarted } = useUnknownCheck(run.localId);
  const [noneOfThese, setNoneOfThese] = useState(false);
  const candidates = find.data ?? [];
  const showNone = find.isSuccess && (candidates.length === 0 || noneOfThese);

  return (
    <div className="run-failure unknown-check" role="status" data-testid="unknown-check">
      <p data-testid="run-error">{UNKNOWN_MESSAGE}</p>
      <p className="muted">Nothing is sent again until you decide.</p>

      {!find.isSuccess && (
        <button
          type="button"
          className="btn btn-small"
          data-testid="check-unknown"
          disabled={find.isPending}
          onClick={() => find.mutate()}
        >
          {find.isPending ? "Checking…" : "Check with the service"}
        </button>
      )}
      {find.isError && <InlineError error={find.error} />}

      {find.isSuccess && candidates.length > 0 && !noneOfThese && (
        <div className="candidates">
          <p>
            The service has {candidates.length === 1 ? "a run" : `${candidates.length} runs`} of
            this app from around that moment. Is one of them yours?
          </p>
          <ul>
            {candidates.map((c) => (
              <li key={c.runId} className="candidate" data-testid="unknown-candidate">
                <span className="candidate-when" title={c.runId}>
                  {absoluteTime(c.createdAt) || "Time not given"}
                  <span className="muted"> {offset(c, run)}</span>
                </span>
                <span className="badge">{CANDIDATE_STATUS[c.status] ?? c.status}</span>
                <button
                  type="button"
                  className="btn btn-small btn-primary"
                  data-testid="link-candidate"
                  disabled={link.isPending}
                  onClick={() => link.mutate(c.runId)}
                >
                  This is my run
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
            None of these is mine
          </button>
        </div>
      )}

      {showNone && (
        <div className="unknown-none" data-testid="unknown-none">
          <p>
            {candidates.length === 0
              ? "The service has no run from that moment, so nothing was charged."
              : "Then this run never reached the service."}{" "}
            Mark it as not started; you can then start it again.
          </p>
          <button
            type="button"
            className="btn btn-small"
            data-testid="mark-not-started"
            disabled={markNotStarted.isPending}
            onClick={() => markNotStarted.mutate()}
          >
            Mark as not started
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
