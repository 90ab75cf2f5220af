import { useTranslation } from "react-i18next";
import { EmptyState, ErrorState } from "../../components/States";
import { ImageIcon } from "../../components/Icons";
import type { Inputs } from "../../lib/backend/types";
import { useRuns } from "../../lib/queries";
import { RunCard } from "./RunCard";

/** The runs of one app, newest first, live. */
export function RunsPanel({
  appId,
  onReuse,
}: {
  appId: string;
  onReuse?: (inputs: Inputs) => void;
}) {
  const { t } = useTranslation("runs");
  const runs = useRuns();
  const mine = runs.data?.filter((r) => r.appId === appId) ?? [];

  return (
    <section className="runs-panel" aria-labelledby="runs-heading">
      <h2 id="runs-heading" className="section-title">
        {t("panel.title")}
      </h2>
      {runs.isPending ? (
        <div className="run-card run-card-loading" aria-busy="true">
          <div className="outputs">
            <div className="output-tile skeleton" />
            <div className="output-tile skeleton" />
          </div>
        </div>
      ) : runs.isError ? (
        <ErrorState
          error={runs.error}
          title={t("panel.failed")}
          onRetry={() => void runs.refetch()}
        />
      ) : mine.length === 0 ? (
        <EmptyState icon={<ImageIcon size={22} />} title={t("panel.empty")}>
          <p>{t("panel.emptyBody")}</p>
        </EmptyState>
      ) : (
        <div className="run-list">
          {mine.map((run) => (
            <RunCard key={run.localId} run={run} onReuse={onReuse} />
          ))}
        </div>
      )}
    </section>
  );
}
