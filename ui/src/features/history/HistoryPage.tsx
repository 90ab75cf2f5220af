import { useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { HistoryIcon, SearchIcon } from "../../components/Icons";
import { EmptyState, ErrorState } from "../../components/States";
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

  let body;
  if (history.isPending) {
    body = (
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
    );
  } else if (history.error && total === undefined) {
    body = <ErrorState error={history.error} title={t("failed")} onRetry={history.refetch} />;
  } else if (!total) {
    body = filtered ? (
      <EmptyState icon={<SearchIcon size={22} />} title={t("noMatch")}>
        <p>{t("noMatchBody")}</p>
        <button
          type="button"
          className="btn"
          data-testid="history-no-matches-clear"
          onClick={() => setFilters(NO_FILTERS)}
        >
          {t("filters.clear")}
        </button>
      </EmptyState>
    ) : (
      <EmptyState icon={<HistoryIcon size={22} />} title={t("empty")}>
        <p>{t("emptyBody")}</p>
        <button
          type="button"
          className="btn btn-primary"
          data-testid="history-empty-action"
          onClick={() => navigate({ page: "apps" })}
        >
          {t("pickApp")}
        </button>
      </EmptyState>
    );
  } else {
    body = (
      <HistoryList
        total={total}
        item={history.item}
        selectedId={selected}
        onSelect={(run) => (selecting ? toggleCompare(run.localId) : select(run.localId))}
        onRange={onRange}
        resetKey={queryKey}
        dimmed={history.isPlaceholder}
      />
    );
  }

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
