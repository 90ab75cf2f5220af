import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { BackIcon } from "../../components/Icons";
import { ErrorState, InlineError, LoadingState } from "../../components/States";
import { BackendError } from "../../lib/backend";
import { useBackend } from "../../lib/backend/context";
import type { App, Inputs } from "../../lib/backend/types";
import { initialValues, problemsToErrors } from "../../lib/inputs";
import { useApp, useLastInputs, useStartRun } from "../../lib/queries";
import { useUi } from "../../lib/store";
import { PresetsMenu } from "../presets/PresetsMenu";
import { RunsPanel } from "../runs/RunsPanel";
import { usePhotoUploads } from "../uploads/usePhotoUploads";
import { DynamicForm, useDynamicFormState } from "./DynamicForm";

/** `prefill`: inputs to start from (e.g. "Open in form" from History) instead of the last ones. */
export function AppPage({ appId, prefill }: { appId: string; prefill?: Inputs }) {
  const { t } = useTranslation("apps");
  const navigate = useUi((s) => s.navigate);
  const app = useApp(appId);
  const last = useLastInputs(appId);

  const back = (
    <button type="button" className="back-link" onClick={() => navigate({ page: "apps" })}>
      <BackIcon size={14} /> {t("page.back")}
    </button>
  );

  if (app.isPending || (!prefill && last.isPending && !last.isError)) {
    return (
      <div className="page app-page" data-testid="app-page">
        {back}
        <LoadingState label={t("page.opening")} />
      </div>
    );
  }
  if (app.isError) {
    return (
      <div className="page app-page" data-testid="app-page">
        {back}
        <ErrorState error={app.error} title={t("page.failed")} onRetry={() => void app.refetch()} />
      </div>
    );
  }
  return (
    <AppWorkspace
      key={app.data.appId}
      app={app.data}
      lastInputs={prefill ?? last.data ?? null}
      back={back}
    />
  );
}

function AppWorkspace({
  app,
  lastInputs,
  back,
}: {
  app: App;
  lastInputs: Inputs | null;
  back: ReactNode;
}) {
  const { t } = useTranslation("apps");
  const backend = useBackend();
  const form = useDynamicFormState(() => initialValues(app.parameters, lastInputs));
  const photos = usePhotoUploads(form.change);
  const start = useStartRun();
  const refused = start.isError && !isFieldError(start.error) ? start.error : null;

  const generate = (inputs: Inputs) => {
    start.mutate(
      { appId: app.appId, inputs },
      {
        onError: (error) => {
          const e = BackendError.from(error);
          if (e.kind === "invalidInput" && e.fields.length > 0) {
            form.setErrors(problemsToErrors(app.parameters, e.fields));
          }
        },
      },
    );
  };

  const reuse = (inputs: Inputs) => {
    form.setValues(initialValues(app.parameters, inputs));
    form.setErrors({ fields: {}, general: [] });
  };

  return (
    <div className="page app-page" data-testid="app-page">
      <header className="page-header">
        {back}
        <h1>{app.name}</h1>
        {app.description && <p className="page-lede">{app.description}</p>}
      </header>
      <div className="app-layout">
        <section className="form-panel" aria-label={t("page.details")}>
          <PresetsMenu app={app} values={form.values} onApply={reuse} />
          <DynamicForm
            appName={app.name}
            parameters={app.parameters}
            values={form.values}
            errors={form.errors}
            onChange={form.change}
            onInvalid={form.setErrors}
            onSubmit={generate}
            submitting={start.isPending}
            previewSrc={(url) => backend.inputPreviewUrl(url)}
            photos={photos}
            message={refused ? <InlineError error={refused} /> : null}
          />
        </section>
        <RunsPanel appId={app.appId} onReuse={reuse} />
      </div>
    </div>
  );
}

function isFieldError(error: unknown): boolean {
  const e = BackendError.from(error);
  return e.kind === "invalidInput" && e.fields.length > 0;
}
