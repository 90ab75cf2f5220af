import type { ReactNode } from "react";
import {
  AppsIcon,
  GalleryIcon,
  HistoryIcon,
  SettingsIcon,
  SparkIcon,
} from "../../components/Icons";
import { Toaster } from "../../components/Toaster";
import type { AccountStatus } from "../../lib/backend/types";
import { useConnectionEvents } from "../../lib/connection";
import { useRunEvents } from "../../lib/queries";
import { useUi, type Route } from "../../lib/store";
import { AboutButton } from "../about/AboutDialog";
import { AppPage } from "../apps/AppPage";
import { CatalogPage } from "../apps/CatalogPage";
import { CompareView } from "../compare/CompareView";
import { GalleryPage } from "../gallery/GalleryPage";
import { HistoryPage } from "../history/HistoryPage";
import { SettingsPage } from "../settings/SettingsPage";
import { OfflineBanner } from "./OfflineBanner";

const NAV: { page: Route["page"]; label: string; icon: ReactNode; also?: Route["page"] }[] = [
  { page: "apps", label: "Apps", icon: <AppsIcon />, also: "app" },
  { page: "history", label: "History", icon: <HistoryIcon />, also: "compare" },
  { page: "gallery", label: "Gallery", icon: <GalleryIcon /> },
  { page: "settings", label: "Settings", icon: <SettingsIcon /> },
];

export function Shell({ account }: { account: AccountStatus }) {
  useRunEvents();
  useConnectionEvents();
  const route = useUi((s) => s.route);
  const navigate = useUi((s) => s.navigate);
  const requestKeyForm = useUi((s) => s.requestKeyForm);

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
    case "settings":
      page = <SettingsPage account={account} />;
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
          Lamina
        </div>
        <nav className="nav" aria-label="Main">
          {NAV.map((item) => (
            <button
              key={item.page}
              type="button"
              className="nav-item"
              data-testid={`nav-${item.page}`}
              aria-current={
                route.page === item.page || route.page === item.also ? "page" : undefined
              }
              onClick={() => navigate({ page: item.page } as Route)}
            >
              {item.icon} {item.label}
            </button>
          ))}
        </nav>
        <div className="sidebar-foot">
          {account.mode === "demo" && (
            <div className="demo-card">
              <span className="badge badge-accent" data-testid="demo-badge">
                Demo workspace
              </span>
              <p>Sample apps and made-up results. Nothing is charged.</p>
              <button
                type="button"
                className="btn btn-small btn-block"
                data-testid="connect-account"
                onClick={requestKeyForm}
              >
                Connect your account
              </button>
            </div>
          )}
          <AboutButton />
        </div>
      </aside>
      <main className="main">
        <OfflineBanner />
        {page}
      </main>
      <Toaster />
    </div>
  );
}
