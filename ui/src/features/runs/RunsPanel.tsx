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
  const runs = useRuns();
  const mine = runs.data?.filter((r) => r.appId === appId) ?? [];

  return (
    <section className="runs-panel" aria-labelledby="runs-heading">
      <h2 id="runs-heading" className="section-title">
        Your images
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
          title="Your images couldn't be loaded"
          onRetry={() => void runs.refetch()}
        />
      ) : mine.length === 0 ? (
        <EmptyState icon={<ImageIcon size={22} />} title="Nothing here yet">
          <p>
            Fill in the details and press Generate. Your images appear here as soon as they're
            ready.
          </p>
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
