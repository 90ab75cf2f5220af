// "Use as input for…" on a kept image: a short list of the apps that take an image, then that
// app's form with the image in its first image field.
import { useQueries } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ImageIcon } from "../../components/Icons";
import { InlineError } from "../../components/States";
import { usePopover } from "../../components/usePopover";
import { useBackend } from "../../lib/backend/context";
import type { App, DraggedOutput } from "../../lib/backend/types";
import { acceptsImages } from "../../lib/inputs";
import { keys, useCatalog } from "../../lib/queries";
import { useUi } from "../../lib/store";

/** The first parameter of the app that takes an image link, if any. */
export function imageField(app: App): string | null {
  return app.parameters.find((p) => p.type === "url" && acceptsImages(p))?.name ?? null;
}

export function UseAsInput({ output, className }: { output: DraggedOutput; className?: string }) {
  const { t } = useTranslation("uploads");
  const popover = usePopover();
  return (
    <span {...popover.anchorProps}>
      <button
        type="button"
        className={className ?? "icon-btn icon-btn-small"}
        title={t("useAsInput")}
        aria-label={t("useAsInput")}
        data-testid="use-as-input"
        onClick={() => popover.setOpen(!popover.open)}
        {...popover.triggerProps}
      >
        <ImageIcon size={15} />
      </button>
      {popover.open ? (
        <div
          className="popover popover-down"
          role="dialog"
          id={popover.id}
          aria-label={t("pickApp")}
        >
          <AppPicker output={output} />
        </div>
      ) : null}
    </span>
  );
}

function AppPicker({ output }: { output: DraggedOutput }) {
  const { t } = useTranslation("uploads");
  const backend = useBackend();
  const navigate = useUi((s) => s.navigate);
  const catalog = useCatalog("");
  const apps = useQueries({
    queries: (catalog.data?.apps ?? []).map((a) => ({
      queryKey: keys.app(a.appId),
      queryFn: () => backend.getApp(a.appId),
    })),
  });
  const [error, setError] = useState<unknown>(null);
  const takers = apps.flatMap((q) => {
    const field = q.data ? imageField(q.data) : null;
    return q.data && field ? [{ app: q.data, field }] : [];
  });
  const loading = catalog.isPending || apps.some((q) => q.isPending);

  const pick = (appId: string, field: string) => {
    void backend
      .inputFromOutput(output.localId, output.index)
      .then(
        (answer) => navigate({ page: "app", appId, prefill: { [field]: answer.value } }),
        setError,
      );
  };

  return (
    <>
      <div className="setting-name">{t("pickApp")}</div>
      {!loading && takers.length === 0 ? <p className="muted">{t("noApps")}</p> : null}
      <ul className="use-as-input-list">
        {takers.map(({ app, field }) => (
          <li key={app.appId}>
            <button
              type="button"
              className="btn btn-ghost use-as-input-app"
              data-testid="use-as-input-app"
              data-app-id={app.appId}
              onClick={() => pick(app.appId, field)}
            >
              <span>{app.name}</span>
              <span className="muted">{field}</span>
            </button>
          </li>
        ))}
      </ul>
      {error ? <InlineError error={error} /> : null}
    </>
  );
}
