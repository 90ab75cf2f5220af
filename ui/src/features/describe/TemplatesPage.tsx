import { useTranslation } from "react-i18next";
import { BackIcon } from "../../components/Icons";
import { ErrorState, LoadingState } from "../../components/States";
import { useUi } from "../../lib/store";
import { modalityName, platformName } from "./names";
import { NotOffered } from "./NotOffered";
import { isNotOffered, useTemplates } from "./queries";
import "../batch/batch.css";
import "./describe.css";

/** Lamina's templates: what each is for and makes; "Use this template" starts a brief from it. */
export function TemplatesPage() {
  const { t } = useTranslation("describe");
  const navigate = useUi((s) => s.navigate);
  const templates = useTemplates();
  const back = (
    <button type="button" className="back-link" onClick={() => navigate({ page: "describe" })}>
      <BackIcon size={14} /> {t("templates.back")}
    </button>
  );
  let body;
  if (templates.isPending) body = <LoadingState label={t("templates.loading")} />;
  else if (isNotOffered(templates.error)) body = <NotOffered what={t("notOffered.templates")} />;
  else if (templates.isError)
    body = (
      <ErrorState
        error={templates.error}
        title={t("templates.failed")}
        onRetry={() => void templates.refetch()}
      />
    );
  else
    body = (
      <ul className="template-grid" data-testid="template-list">
        {templates.data.map((tmpl) => (
          <li key={tmpl.id} className="card-panel template-card" data-testid="template-card">
            <h2 className="template-name">{tmpl.name}</h2>
            {tmpl.description && <p>{tmpl.description}</p>}
            <dl className="template-facts">
              {tmpl.suggestedPlatforms.length > 0 && (
                <>
                  <dt>{t("templates.platforms")}</dt>
                  <dd>{tmpl.suggestedPlatforms.map((p) => platformName(t, p)).join(", ")}</dd>
                </>
              )}
              {tmpl.suggestedModalities.length > 0 && (
                <>
                  <dt>{t("templates.modalities")}</dt>
                  <dd>{tmpl.suggestedModalities.map((m) => modalityName(t, m)).join(", ")}</dd>
                </>
              )}
              {tmpl.produces.length > 0 && (
                <>
                  <dt>{t("templates.produces")}</dt>
                  <dd>
                    <ul className="template-parts">
                      {tmpl.produces.map((part) => (
                        <li key={part.role}>
                          <strong>{modalityName(t, part.modality ?? part.role)}</strong>
                          {part.description ? ` — ${part.description}` : ` — ${part.role}`}
                        </li>
                      ))}
                    </ul>
                  </dd>
                </>
              )}
            </dl>
            <button
              type="button"
              className="btn btn-primary"
              data-testid="use-template"
              onClick={() => navigate({ page: "describe", templateId: tmpl.id })}
            >
              {t("templates.use")}
            </button>
          </li>
        ))}
      </ul>
    );
  return (
    <div className="page templates-page" data-testid="templates-page">
      <header className="page-header">
        {back}
        <h1>{t("templates.title")}</h1>
        <p className="page-lede">{t("templates.lede")}</p>
      </header>
      {body}
    </div>
  );
}
