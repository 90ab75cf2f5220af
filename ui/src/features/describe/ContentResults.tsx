import { useTranslation } from "react-i18next";
import type { ContentRunView, DescribeBatchItem, RunRecord } from "../../lib/backend/types";
import { isInFlight } from "../../lib/queries";
import { useUi } from "../../lib/store";
import { RunCard } from "../runs/RunCard";
import { useLiveRun } from "./queries";
import { Scores } from "./Scores";
import { useRuns } from "../../lib/queries";

/** What the last Generate made: one brief in full, or several with their progress on top. */
export function ContentResults({ items }: { items: DescribeBatchItem[] }) {
  const { t } = useTranslation("describe");
  if (items.length === 0) return null;
  return (
    <section className="describe-results" aria-labelledby="describe-results-title">
      <h2 id="describe-results-title" className="section-title">
        {items.length > 1 ? t("results.titleMany", { count: items.length }) : t("results.title")}
      </h2>
      {items.length > 1 && <BriefsProgress items={items} />}
      <div className="describe-result-list">
        {items.map((item) =>
          item.content ? (
            <ContentResult key={item.index} content={item.content} />
          ) : (
            <article
              key={item.index}
              className="card-panel describe-result"
              data-testid="describe-refused"
            >
              <p className="describe-result-brief">{item.brief}</p>
              <p className="field-error" role="alert">
                {item.error ?? t("results.refused")}
              </p>
            </article>
          ),
        )}
      </div>
    </section>
  );
}

/** The briefs' runs as a batch shows its rows: done out of all, and what is left. */
function BriefsProgress({ items }: { items: DescribeBatchItem[] }) {
  const { t } = useTranslation("describe");
  const runs = useRuns();
  const live = (run: RunRecord) => runs.data?.find((r) => r.localId === run.localId) ?? run;
  const started = items.flatMap((i) => (i.content ? [live(i.content.run)] : []));
  const refused = items.length - started.length;
  const running = started.filter(isInFlight).length;
  const failed = started.filter((r) => r.status === "failed" || r.status === "cancelled").length;
  const completed = started.filter((r) => r.status === "completed").length;
  const done = items.length - running;
  const pct = Math.round((done / items.length) * 100);
  return (
    <div className="batch-progress card-panel" data-testid="describe-progress">
      <div className="batch-progress-head">
        <strong>{t("results.done", { done, total: items.length })}</strong>
      </div>
      <div
        className="batch-bar"
        role="progressbar"
        aria-label={t("results.progress")}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
      >
        <span className="batch-bar-done" style={{ width: `${pct}%` }} />
      </div>
      <ul className="batch-totals">
        {completed > 0 && (
          <li className="batch-total batch-total-completed">
            {t("results.completed", { count: completed })}
          </li>
        )}
        {running > 0 && (
          <li className="batch-total batch-total-running">
            {t("results.running", { count: running })}
          </li>
        )}
        {failed + refused > 0 && (
          <li className="batch-total batch-total-failed">
            {t("results.failed", { count: failed + refused })}
          </li>
        )}
      </ul>
    </div>
  );
}

/** One brief: the app Lamina chose and why, the inputs it filled (Adjust), the run, the scores. */
function ContentResult({ content }: { content: ContentRunView }) {
  const { t } = useTranslation("describe");
  const navigate = useUi((s) => s.navigate);
  const run = useLiveRun(content.run);
  const mapped = content.content.mappedInputs ?? content.run.inputs;
  const inputs = Object.entries(mapped).filter(([, v]) => v !== "");
  const reason = content.content.reason;
  return (
    <article className="card-panel describe-result" data-testid="describe-result">
      <p className="describe-result-brief">“{content.content.request.brief}”</p>
      <div className="describe-choice" data-testid="describe-choice">
        <p>
          <strong data-testid="describe-chosen-app">
            {t("results.chose", { app: run.appName })}
          </strong>
        </p>
        {reason && (
          <p className="muted" data-testid="describe-reason">
            {reason}
          </p>
        )}
      </div>
      {inputs.length > 0 && (
        <div className="describe-inputs">
          <h3 className="describe-subtitle">{t("results.filled")}</h3>
          <dl className="describe-input-list" data-testid="describe-inputs">
            {inputs.map(([name, value]) => (
              <div key={name} className="describe-input">
                <dt>{name}</dt>
                <dd>{value}</dd>
              </div>
            ))}
          </dl>
          <button
            type="button"
            className="btn"
            data-testid="describe-adjust"
            onClick={() => navigate({ page: "app", appId: run.appId, prefill: mapped })}
          >
            {t("results.adjust")}
          </button>
        </div>
      )}
      <RunCard run={run} />
      <Scores run={run} />
    </article>
  );
}
