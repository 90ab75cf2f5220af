import type { RefObject } from "react";
import { useTranslation } from "react-i18next";
import { SearchIcon, StarIcon } from "../../components/Icons";
import type { HistoryApp } from "../../lib/backend/types";
import { STATUS_FILTERS, hasFilters } from "../../lib/history";
import { formatNumber } from "../../i18n/format";
import { NO_FILTERS, type HistoryFilters, type StatusFilter } from "../../lib/store";

import { SEARCH_KEYS, keyLabel } from "../../lib/shortcuts";

/** Search, app, status, dates and favourites: History shows them all, the Gallery a few. */
export function FilterBar({
  prefix,
  filters,
  onChange,
  apps,
  searchRef,
  withStatus = false,
  withDates = false,
  placeholder,
}: {
  /** "history" or "gallery": the start of each control's data-testid. */
  prefix: string;
  filters: HistoryFilters;
  onChange: (change: Partial<HistoryFilters>) => void;
  apps: HistoryApp[];
  searchRef: RefObject<HTMLInputElement | null>;
  withStatus?: boolean;
  withDates?: boolean;
  /** e.g. "Search runs"; the shortcut is added. */
  placeholder: string;
}) {
  const { t } = useTranslation("history");
  return (
    <div className="filter-bar" role="search">
      <label className="search filter-search">
        <SearchIcon />
        <span className="visually-hidden">{t("filters.search")}</span>
        <input
          ref={searchRef}
          type="search"
          data-testid={`${prefix}-search`}
          placeholder={t("filters.placeholder", { placeholder, shortcut: `${keyLabel("Mod")}+K` })}
          data-shortcut="search"
          aria-keyshortcuts={SEARCH_KEYS}
          title={t("filters.searchTitle")}
          value={filters.text}
          onChange={(e) => onChange({ text: e.target.value })}
          onKeyDown={(e) => {
            if (e.key === "Escape" && filters.text !== "") {
              e.stopPropagation();
              onChange({ text: "" });
            }
          }}
        />
      </label>
      <select
        className="input select filter-select"
        aria-label={t("filters.app")}
        data-testid={`${prefix}-app-filter`}
        value={filters.appId ?? ""}
        onChange={(e) => onChange({ appId: e.target.value === "" ? null : e.target.value })}
      >
        <option value="">{t("filters.allApps")}</option>
        {apps.map((a) => (
          <option key={a.appId} value={a.appId}>
            {t("filters.appOption", { app: a.appName, runs: formatNumber(a.runs) })}
          </option>
        ))}
      </select>
      {withStatus && (
        <select
          className="input select filter-select"
          aria-label={t("filters.status")}
          data-testid={`${prefix}-status-filter`}
          value={filters.status ?? ""}
          onChange={(e) =>
            onChange({ status: e.target.value === "" ? null : (e.target.value as StatusFilter) })
          }
        >
          <option value="">{t("filters.anyStatus")}</option>
          {STATUS_FILTERS.map((s) => (
            <option key={s.value} value={s.value}>
              {t(`filters.states.${s.value}`)}
            </option>
          ))}
        </select>
      )}
      {withDates && (
        <div className="date-range">
          <label className="date-field">
            <span>{t("filters.from")}</span>
            <input
              type="date"
              className="input"
              data-testid={`${prefix}-from`}
              value={filters.from}
              max={filters.to || undefined}
              onChange={(e) => onChange({ from: e.target.value })}
            />
          </label>
          <label className="date-field">
            <span>{t("filters.to")}</span>
            <input
              type="date"
              className="input"
              data-testid={`${prefix}-to`}
              value={filters.to}
              min={filters.from || undefined}
              onChange={(e) => onChange({ to: e.target.value })}
            />
          </label>
        </div>
      )}
      <button
        type="button"
        className={`btn toggle-btn${filters.starredOnly ? " is-on" : ""}`}
        aria-pressed={filters.starredOnly}
        data-testid={`${prefix}-starred`}
        onClick={() => onChange({ starredOnly: !filters.starredOnly })}
      >
        <StarIcon size={14} filled={filters.starredOnly} /> {t("filters.starred")}
      </button>
      {hasFilters(filters) && (
        <button
          type="button"
          className="btn btn-ghost"
          data-testid={`${prefix}-clear-filters`}
          onClick={() => onChange(NO_FILTERS)}
        >
          {t("filters.clear")}
        </button>
      )}
    </div>
  );
}
