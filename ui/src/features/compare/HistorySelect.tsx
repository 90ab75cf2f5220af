// The pieces History shows in its "select to compare" mode.
import { useTranslation } from "react-i18next";
import type { RunRecord } from "../../lib/backend/types";
import { useUi } from "../../lib/store";
import { absoluteTime } from "../../lib/time";
import { useCompareSelection } from "./selection";
import "./compare.css";

/** "Select to compare" / "Done" in History's header. */
export function CompareSelectToggle({ onStart }: { onStart: () => void }) {
  const { t } = useTranslation("compare");
  const active = useCompareSelection((s) => s.active);
  const start = useCompareSelection((s) => s.start);
  const stop = useCompareSelection((s) => s.stop);
  return (
    <button
      type="button"
      className={`btn btn-small compare-select-toggle${active ? " is-active" : ""}`}
      data-testid="compare-select"
      aria-pressed={active}
      onClick={() => {
        if (active) stop();
        else {
          start();
          onStart();
        }
      }}
    >
      {active ? t("select.cancel") : t("select.start")}
    </button>
  );
}

/** "Compare with…" in a run's details: back to the list in select mode, this run ticked. */
export function CompareWithButton({ run }: { run: RunRecord }) {
  const { t } = useTranslation("compare");
  const startWith = useCompareSelection((s) => s.startWith);
  const navigate = useUi((s) => s.navigate);
  const selectRun = useUi((s) => s.selectRun);
  return (
    <button
      type="button"
      className="btn"
      data-testid="compare-with"
      onClick={() => {
        startWith(run.localId);
        selectRun(null);
        navigate({ page: "history" });
      }}
    >
      {t("select.with")}
    </button>
  );
}

/** The tick box at the start of a History row while selecting. */
export function CompareRowCheckbox({ run }: { run: RunRecord }) {
  const { t } = useTranslation("compare");
  const checked = useCompareSelection((s) => s.ids.includes(run.localId));
  const toggle = useCompareSelection((s) => s.toggle);
  return (
    <input
      type="checkbox"
      className="compare-row-check"
      data-testid="compare-check"
      tabIndex={-1}
      checked={checked}
      aria-label={t("select.checkbox", { app: run.appName, time: absoluteTime(run.createdAt) })}
      onClick={(e) => e.stopPropagation()}
      onChange={() => toggle(run.localId)}
    />
  );
}

/** Below the list while selecting: how many are ticked, and "Compare" once there are two. */
export function CompareBar() {
  const { t } = useTranslation("compare");
  const active = useCompareSelection((s) => s.active);
  const ids = useCompareSelection((s) => s.ids);
  const clear = useCompareSelection((s) => s.clear);
  const navigate = useUi((s) => s.navigate);
  if (!active) return null;
  return (
    <div className="compare-bar" role="region" aria-label={t("title")} data-testid="compare-bar">
      <span className="compare-bar-count" data-testid="compare-selected-count">
        {ids.length === 0 ? t("select.hint") : t("select.count", { count: ids.length })}
      </span>
      {ids.length > 0 && (
        <button type="button" className="btn btn-small btn-ghost" onClick={clear}>
          {t("select.clear")}
        </button>
      )}
      <button
        type="button"
        className="btn btn-small btn-primary"
        data-testid="compare-open"
        disabled={ids.length < 2}
        onClick={() => navigate({ page: "compare", ids: [...ids] })}
      >
        {t("select.compare")}
      </button>
    </div>
  );
}
