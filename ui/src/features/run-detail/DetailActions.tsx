import { useTranslation } from "react-i18next";
import { CodeIcon, CopyIcon, DownloadIcon, EditIcon, RetryIcon } from "../../components/Icons";
import type { RunRecord } from "../../lib/backend/types";
import { useFileActions } from "../../lib/run-actions";
import { useUi } from "../../lib/store";
import { CompareWithButton } from "../compare/HistorySelect";
import { PublishButton, canPublish, publishItem } from "../publishing/PublishButton";
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
  const { t } = useTranslation("runDetail");
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
          <RetryIcon size={14} /> {starting ? t("actions.starting") : t("actions.rerun")}
        </button>
      )}
      <button
        type="button"
        className="btn"
        data-testid="open-in-form"
        onClick={() => navigate({ page: "app", appId: run.appId, prefill: run.inputs })}
      >
        <EditIcon size={14} /> {t("actions.openInForm")}
      </button>
      <CompareWithButton run={run} />
      {kept.length > 0 && (
        <SaveMenu localId={run.localId} indexes={kept} testId="save-all" placement="up">
          <DownloadIcon size={14} />{" "}
          {kept.length > 1 ? t("actions.saveAll", { count: kept.length }) : t("actions.save")}
        </SaveMenu>
      )}
      {canPublish(run) && <PublishButton items={[publishItem(run)]} className="btn" />}
      <span className="detail-actions-spacer" />
      <button
        type="button"
        className="btn btn-ghost btn-small"
        data-testid="copy-run-id"
        title={run.runId ?? run.localId}
        onClick={() => void files.copyText(run.runId ?? run.localId, t("actions.runIdCopied"))}
      >
        <CopyIcon size={14} /> {t("actions.copyRunId")}
      </button>
      <button
        type="button"
        className="btn btn-ghost btn-small"
        data-testid="copy-run-json"
        title={t("actions.copyJsonTitle")}
        onClick={() => void files.copyText(JSON.stringify(run, null, 2), t("actions.jsonCopied"))}
      >
        <CodeIcon size={14} /> {t("actions.copyJson")}
      </button>
    </footer>
  );
}
