import { CodeIcon, CopyIcon, DownloadIcon, EditIcon, RetryIcon } from "../../components/Icons";
import type { RunRecord } from "../../lib/backend/types";
import { useFileActions } from "../../lib/run-actions";
import { useUi } from "../../lib/store";
import { CompareWithButton } from "../compare/HistorySelect";
import { SaveMenu } from "./SaveMenu";

/** Rerun, Open in form, Save all, and the two support copies. */
export function DetailActions({
  run,
  onRerun,
  starting,
}: {
  run: RunRecord;
  onRerun: () => void;
  starting: boolean;
}) {
  const navigate = useUi((s) => s.navigate);
  const files = useFileActions();
  const kept = run.outputs
    .filter((o) => o.type === "image" && o.status === "completed" && o.file)
    .map((o) => o.index);

  return (
    <footer className="detail-actions">
      {/* An unconfirmed run may already be running (and charged): it is checked, not re-sent. */}
      {run.status !== "unknown" && (
        <button
          type="button"
          className="btn btn-primary"
          data-testid="rerun-button"
          disabled={starting}
          onClick={onRerun}
        >
          <RetryIcon size={14} /> {starting ? "Starting…" : "Rerun"}
        </button>
      )}
      <button
        type="button"
        className="btn"
        data-testid="open-in-form"
        onClick={() => navigate({ page: "app", appId: run.appId, prefill: run.inputs })}
      >
        <EditIcon size={14} /> Open in form
      </button>
      <CompareWithButton run={run} />
      {kept.length > 0 && (
        <SaveMenu localId={run.localId} indexes={kept} testId="save-all" placement="up">
          <DownloadIcon size={14} /> {kept.length > 1 ? `Save all (${kept.length})` : "Save"}
        </SaveMenu>
      )}
      <span className="detail-actions-spacer" />
      <button
        type="button"
        className="btn btn-ghost btn-small"
        data-testid="copy-run-id"
        title={run.runId ?? run.localId}
        onClick={() => void files.copyText(run.runId ?? run.localId, "Run id copied")}
      >
        <CopyIcon size={14} /> Copy run id
      </button>
      <button
        type="button"
        className="btn btn-ghost btn-small"
        data-testid="copy-run-json"
        title="The whole record, for Lamina support"
        onClick={() =>
          void files.copyText(JSON.stringify(run, null, 2), "Run details copied for support")
        }
      >
        <CodeIcon size={14} /> Copy JSON for support
      </button>
    </footer>
  );
}
