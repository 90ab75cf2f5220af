import { useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { HistoryIcon } from "../../components/Icons";
import { hasFilters, useHistoryApps, useHistoryPages } from "../../lib/history";
import { NO_FILTERS, useUi } from "../../lib/store";
import { useDebounced } from "../../lib/useDebounced";
import { CompareBar, CompareSelectToggle } from "../compare/HistorySelect";
import { useCompareSelection } from "../compare/selection";
import { RunDetail } from "../run-detail/RunDetail";
import { FilterBar } from "./FilterBar";
import { HistoryList, type Range } from "./HistoryList";
import { ROW_HEIGHT } from "./HistoryRow";
import { ResultCount } from "./ResultCount";
import { ResultsBody } from "./ResultsBody";

const FIRST_RANGE: Range = [0, 30];

/** Every run ever started on this computer, newest first, searchable; details on the side. */
export function HistoryPage() {
  const { t } = useTranslation("history");
  const filters = useUi((s) => s.historyFilters);
  const setFilters = useUi((s) => s.setHistoryFilters);
  const selected = useUi((s) => s.selectedRun);
  const select = useUi((s) => s.selectRun);
  const navigate = useUi((s) => s.navigate);
  const selecting = useCompareSelection((s) => s.active);
  const toggleCompare = useCompareSelection((s) => s.toggle);
  const searchRef = useRef<HTMLInputElement>(null);

  const text = useDebounced(filters.text, 200);
  const query = { ...filters, text };
  const queryKey = JSON.stringify(query);
  // The rows on screen, for the current filters only (new filters start at the top).
  const [rangeState, setRangeState] = useState({ key: queryKey, range: FIRST_RANGE });
  const range = rangeState.key === queryKey ? rangeState.range : FIRST_RANGE;
  const onRange = (r: Range) =>
    setRangeState((s) =>
      s.key === queryKey && s.range[0] === r[0] && s.range[1] === r[1]
        ? s
        : { key: queryKey, range: r },
    );

  const history = useHistoryPages(query, [range]);
  /** Closes the side panel; the keyboard goes back to the run's row. */
  const close = (localId: string) => {
    select(null);
    setTimeout(() => {
      const rows = document.querySelectorAll<HTMLElement>('[data-testid="history-row"]');
      [...rows].find((r) => r.dataset.localId === localId)?.focus({ preventScroll: true });
    });
  };
  const apps = useHistoryApps();
  const total = history.total;
  const filtered = hasFilters(query);

  const body = (
    <ResultsBody
      testIdPrefix="history"
      pending={history.isPending}
      placeholder={
        <div className="history-list" aria-busy="true" aria-label={t("loading")}>
          {Array.from({ length: 6 }, (_, i) => (
            <div key={i} className="history-row is-loading" style={{ height: ROW_HEIGHT }}>
              <span className="history-thumb skeleton" />
              <div className="history-main">
                <span className="skeleton skeleton-line short" />
                <span className="skeleton skeleton-line" />
              </div>
            </div>
          ))}
        </div>
      }
      error={history.error}
      onRetry={history.refetch}
      total={total}
      filtered={filtered}
      onClearFilters={() => setFilters(NO_FILTERS)}
      onPickApp={() => navigate({ page: "apps" })}
      emptyIcon={<HistoryIcon size={22} />}
      texts={{
        failed: t("failed"),
        noMatch: t("noMatch"),
        noMatchBody: t("noMatchBody"),
        clearFilters: t("filters.clear"),
        empty: t("empty"),
        emptyBody: t("emptyBody"),
        pickApp: t("pickApp"),
      }}
    >
      {(count) => (
        <HistoryList
          total={count}
          item={history.item}
          selectedId={selected}
          onSelect={(run) => (selecting ? toggleCompare(run.localId) : select(run.localId))}
          onRange={onRange}
          resetKey={queryKey}
          dimmed={history.isPlaceholder}
        />
      )}
    </ResultsBody>
  );

  return (
    <div className="page history-page" data-testid="history-screen">
      <header className="page-header history-header">
        <h1>{t("title")}</h1>
        <ResultCount total={total} filtered={filtered} noun="run" testId="history-count" />
        <CompareSelectToggle onStart={() => select(null)} />
      </header>
      <FilterBar
        prefix="history"
        filters={filters}
        onChange={setFilters}
        apps={apps.data ?? []}
        searchRef={searchRef}
        placeholder={t("searchPlaceholder")}
        withStatus
        withDates
      />
      <div className={`history-body${selected ? " has-detail" : ""}`}>
        <section className="history-results" aria-label={t("runs")}>
          {body}
          <CompareBar />
        </section>
        {selected && (
          <RunDetail key={selected} localId={selected} onClose={() => close(selected)} />
        )}
      </div>
    </div>
  );
}
