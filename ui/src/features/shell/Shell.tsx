import { Suspense, useEffect, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import {
  AppsIcon,
  GalleryIcon,
  HistoryIcon,
  PublishIcon,
  SettingsIcon,
  SparkIcon,
} from "../../components/Icons";
import { Toaster } from "../../components/Toaster";
import type { AccountStatus } from "../../lib/backend/types";
import { useConnectionEvents } from "../../lib/connection";
import { useRunEvents } from "../../lib/queries";
import { useGlobalShortcuts } from "../../lib/shortcuts";
import { useUi, type Route } from "../../lib/store";
import { AboutButton } from "../about/AboutDialog";
import { BatchIcon } from "../batch/BatchIcon";
import { CatalogPage } from "../apps/CatalogPage";
import { UsageBadge } from "../usage/UsageBadge";
import { ShortcutsDialog } from "../shortcuts/ShortcutsDialog";
import { OfflineBanner } from "./OfflineBanner";
import { useHoldToOpenForm } from "./useHoldToOpenForm";
import {
  AppPage,
  BatchPage,
  CompareView,
  DescribePage,
  GalleryPage,
  HistoryPage,
  PublishingPage,
  SettingsPage,
  TemplatesPage,
  preloadPages,
} from "./pages";

const NAV: {
  page: "describe" | "apps" | "batch" | "history" | "gallery" | "publishing" | "settings";
  icon: ReactNode;
  also?: Route["page"];
}[] = [
  { page: "describe", icon: <SparkIcon />, also: "templates" },
  { page: "apps", icon: <AppsIcon />, also: "app" },
  { page: "batch", icon: <BatchIcon /> },
  { page: "history", icon: <HistoryIcon />, also: "compare" },
  { page: "gallery", icon: <GalleryIcon /> },
  { page: "publishing", icon: <PublishIcon /> },
  { page: "settings", icon: <SettingsIcon /> },
];

export function Shell({ account }: { account: AccountStatus }) {
  const { t } = useTranslation(["shell", "common"]);
  useRunEvents();
  useConnectionEvents();
  useGlobalShortcuts();
  const route = useUi((s) => s.route);
  const navigate = useUi((s) => s.navigate);
  const requestKeyForm = useUi((s) => s.requestKeyForm);
  const holdToOpenForm = useHoldToOpenForm();
  // The other screens load once the first one is on screen.
  useEffect(() => {
    const timer = window.setTimeout(preloadPages, 1000);
    return () => window.clearTimeout(timer);
  }, []);

  let page: ReactNode;
  switch (route.page) {
    case "app":
      page = <AppPage appId={route.appId} prefill={route.prefill} />;
      break;
    case "history":
      page = <HistoryPage />;
      break;
    case "compare":
      page = <CompareView ids={route.ids} />;
      break;
    case "gallery":
      page = <GalleryPage />;
      break;
    case "batch":
      page = <BatchPage batchId={route.batchId} />;
      break;
    case "settings":
      page = <SettingsPage account={account} />;
      break;
    case "describe":
      page = <DescribePage key={route.templateId ?? ""} templateId={route.templateId} />;
      break;
    case "templates":
      page = <TemplatesPage />;
      break;
    case "publishing":
      page = <PublishingPage />;
      break;
    default:
      page = <CatalogPage />;
  }

  return (
    <div className="shell">
      <aside className="sidebar">
        <div className="brand">
          <span className="brand-logo" aria-hidden="true">
            <SparkIcon size={14} />
          </span>
          {t("common:appName")}
        </div>
        <UsageBadge />
        <nav className="nav" aria-label={t("nav.label")}>
          {NAV.map((item) => (
            <button
              key={item.page}
              type="button"
              className={`nav-item${item.page === "apps" && holdToOpenForm.holding ? " is-drag-hover" : ""}`}
              data-testid={`nav-${item.page}`}
              {...(item.page === "apps" ? holdToOpenForm.handlers : {})}
              aria-current={
                route.page === item.page || route.page === item.also ? "page" : undefined
              }
              onClick={() => navigate({ page: item.page } as Route)}
            >
              {item.icon} {t(`nav.${item.page}`)}
            </button>
          ))}
        </nav>
        <div className="sidebar-foot">
          {account.mode === "demo" && (
            <div className="demo-card">
              <span className="badge badge-accent" data-testid="demo-badge">
                {t("demo.badge")}
              </span>
              <p>{t("demo.body")}</p>
              <button
                type="button"
                className="btn btn-small btn-block"
                data-testid="connect-account"
                onClick={requestKeyForm}
              >
                {t("demo.connect")}
              </button>
            </div>
          )}
          <AboutButton />
        </div>
      </aside>
      <main className="main">
        <OfflineBanner />
        {/* A screen's code arrives in milliseconds from the app itself: no spinner to flash. */}
        <Suspense fallback={null}>{page}</Suspense>
      </main>
      <Toaster />
      <ShortcutsDialog />
    </div>
  );
}
