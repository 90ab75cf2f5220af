import { useEffect, type CSSProperties } from "react";
import { useTranslation } from "react-i18next";
import { EmptyState, ErrorState } from "../../components/States";
import { OfflineIcon, SearchIcon } from "../../components/Icons";
import { useBackend } from "../../lib/backend/context";
import type { AppSummary } from "../../lib/backend/types";
import { useOnline } from "../../lib/connection";
import { useCatalog } from "../../lib/queries";
import { useUi } from "../../lib/store";
import { SEARCH_KEYS } from "../../lib/shortcuts";
import { useDebounced } from "../../lib/useDebounced";
import { markStartup, startupTimings } from "../../lib/startup";

export function CatalogPage() {
  const { t } = useTranslation("apps");
  const search = useUi((s) => s.catalogSearch);
  const setSearch = useUi((s) => s.setCatalogSearch);
  const navigate = useUi((s) => s.navigate);
  const query = useDebounced(search, 200);
  const catalog = useCatalog(query);
  const apps = catalog.data?.apps ?? [];
  // While the whole app is offline the shell's banner says so; this one covers a stale catalog.
  const online = useOnline();
  useFirstPaintReport(apps.length > 0);

  return (
    <div className="page catalog-page">
      <header className="page-header catalog-header">
        <div>
          <h1>{t("catalog.title")}</h1>
          <p className="page-lede">{t("catalog.lede")}</p>
        </div>
        <label className="search">
          <SearchIcon />
          <span className="visually-hidden">{t("catalog.search")}</span>
          <input
            type="search"
            data-testid="catalog-search"
            data-shortcut="search"
            aria-keyshortcuts={SEARCH_KEYS}
            placeholder={t("catalog.search")}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            onKeyDown={(e) => e.key === "Escape" && setSearch("")}
          />
        </label>
      </header>

      {catalog.data?.offline && online && (
        <div className="banner" role="status" data-testid="offline-banner">
          <OfflineIcon />
          <span>{t("catalog.offline")}</span>
        </div>
      )}

      {catalog.isPending ? (
        <div className="app-grid" aria-busy="true" aria-label={t("catalog.loading")}>
          {Array.from({ length: 6 }, (_, i) => (
            <div key={i} className="app-card app-card-skeleton">
              <div className="skeleton skeleton-avatar" />
              <div className="skeleton skeleton-line" />
              <div className="skeleton skeleton-line short" />
            </div>
          ))}
        </div>
      ) : catalog.isError ? (
        <ErrorState
          error={catalog.error}
          title={t("catalog.failed")}
          onRetry={() => void catalog.refetch()}
        />
      ) : apps.length === 0 ? (
        query.trim() !== "" ? (
          <EmptyState
            icon={<SearchIcon size={22} />}
            title={t("catalog.noMatch", { query: query.trim() })}
          >
            <button type="button" className="btn" onClick={() => setSearch("")}>
              {t("catalog.clearSearch")}
            </button>
          </EmptyState>
        ) : (
          <EmptyState title={t("catalog.empty")}>
            <p>{t("catalog.emptyBody")}</p>
          </EmptyState>
        )
      ) : (
        <div className={`app-grid${catalog.isPlaceholderData ? " is-updating" : ""}`}>
          {apps.map((app) => (
            <AppCard
              key={app.appId}
              app={app}
              onOpen={() => navigate({ page: "app", appId: app.appId })}
            />
          ))}
        </div>
      )}
    </div>
  );
}

const HUES = [250, 200, 160, 30, 330, 280, 15, 190];

function hueFor(id: string): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return HUES[h % HUES.length] ?? 250;
}

function initials(name: string): string {
  const words = name.split(/\s+/).filter(Boolean);
  return ((words[0]?.[0] ?? "") + (words[1]?.[0] ?? "")).toUpperCase() || "?";
}

function AppCard({ app, onOpen }: { app: AppSummary; onOpen: () => void }) {
  const { t } = useTranslation("apps");
  return (
    <button
      type="button"
      className="app-card"
      data-testid="app-card"
      data-app-id={app.appId}
      onClick={onOpen}
    >
      <span
        className="app-avatar"
        style={{ "--hue": hueFor(app.appId) } as CSSProperties}
        aria-hidden="true"
      >
        {initials(app.name)}
      </span>
      <span className="app-card-name">{app.name}</span>
      <span className="app-card-desc">{app.description || t("catalog.noDescription")}</span>
    </button>
  );
}

/** Tells the backend when the first app cards are on screen (start-up timing). */
function useFirstPaintReport(drawn: boolean) {
  const backend = useBackend();
  useEffect(() => {
    if (!drawn) return;
    markStartup("cards-rendered");
    // Two frames: the first runs before the cards are painted, the second after.
    let second = 0;
    const first = requestAnimationFrame(() => {
      second = requestAnimationFrame(() => backend.markFirstPaint(startupTimings()));
    });
    return () => {
      cancelAnimationFrame(first);
      cancelAnimationFrame(second);
    };
  }, [drawn, backend]);
}
