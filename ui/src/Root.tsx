import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { ErrorBoundary } from "./components/ErrorBoundary";
import { ErrorState, LoadingState } from "./components/States";
import { Onboarding } from "./features/onboarding/Onboarding";
import { Shell } from "./features/shell/Shell";
import type { Backend } from "./lib/backend";
import { BackendProvider } from "./lib/backend/context";
import { useAccount } from "./lib/queries";
import { usePrefs } from "./lib/store";

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { refetchOnWindowFocus: false, staleTime: 30_000 },
      mutations: { retry: false },
    },
  });
}

export function Root({ backend, queryClient }: { backend: Backend; queryClient?: QueryClient }) {
  const [client] = useState(() => queryClient ?? createQueryClient());
  return (
    <BackendProvider backend={backend}>
      <QueryClientProvider client={client}>
        <ThemeSync />
        <ErrorBoundary>
          <Gate />
        </ErrorBoundary>
      </QueryClientProvider>
    </BackendProvider>
  );
}

/** Applies the chosen theme; "system" leaves it to prefers-color-scheme. */
function ThemeSync() {
  const theme = usePrefs((s) => s.theme);
  useEffect(() => {
    switchTheme(() => {
      document.documentElement.dataset.theme = theme;
    });
  }, [theme]);
  // The OS switching between light and dark while "System" is chosen.
  useEffect(() => {
    const media = window.matchMedia?.("(prefers-color-scheme: dark)");
    if (!media) return;
    const onChange = () => switchTheme(() => {});
    media.addEventListener("change", onChange);
    return () => media.removeEventListener("change", onChange);
  }, []);
  return null;
}

/**
 * Applies a theme change with transitions off for a frame. WebKitGTK leaves an element whose
 * `background` has a transition on its old colour when only a custom property of the root changes
 * (white buttons on the dark theme); without a transition the new colour applies at once.
 */
function switchTheme(apply: () => void): void {
  const root = document.documentElement;
  root.classList.add("theme-switching");
  apply();
  void root.offsetHeight; // style recalculated with transitions off
  requestAnimationFrame(() => root.classList.remove("theme-switching"));
}

function Gate() {
  const { t } = useTranslation();
  const account = useAccount();
  if (account.isPending) {
    return (
      <div className="fullscreen">
        <LoadingState label={t("starting.loading")} />
      </div>
    );
  }
  if (account.isError) {
    return (
      <div className="fullscreen">
        <ErrorState
          error={account.error}
          title={t("starting.failed")}
          onRetry={() => void account.refetch()}
        />
      </div>
    );
  }
  if (account.data.mode === "none") return <Onboarding account={account.data} />;
  return <Shell account={account.data} />;
}
