import type { ReactNode } from "react";
import { AppsIcon, SettingsIcon, SparkIcon } from "../../components/Icons";
import type { AccountStatus } from "../../lib/backend/types";
import { useRunEvents } from "../../lib/queries";
import { useUi } from "../../lib/store";
import { AppPage } from "../apps/AppPage";
import { CatalogPage } from "../apps/CatalogPage";
import { SettingsPage } from "../settings/SettingsPage";

export function Shell({ account }: { account: AccountStatus }) {
  useRunEvents();
  const route = useUi((s) => s.route);
  const navigate = useUi((s) => s.navigate);
  const requestKeyForm = useUi((s) => s.requestKeyForm);

  let page: ReactNode;
  switch (route.page) {
    case "app":
      page = <AppPage appId={route.appId} />;
      break;
    case "settings":
      page = <SettingsPage account={account} />;
      break;
    default:
      page = <CatalogPage />;
  }

  const inApps = route.page === "apps" || route.page === "app";

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
          <button
            type="button"
            className="nav-item"
            data-testid="nav-apps"
            aria-current={inApps ? "page" : undefined}
            onClick={() => navigate({ page: "apps" })}
          >
            <AppsIcon /> Apps
          </button>
          <button
            type="button"
            className="nav-item"
            data-testid="nav-settings"
            aria-current={route.page === "settings" ? "page" : undefined}
            onClick={() => navigate({ page: "settings" })}
          >
            <SettingsIcon /> Settings
          </button>
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
        </div>
      </aside>
      <main className="main">{page}</main>
    </div>
  );
}
