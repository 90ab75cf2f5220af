import { useId, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { InlineError } from "../../components/States";
import type { ContentBrief } from "../../lib/backend/types";
import { useUi } from "../../lib/store";
import { BrandPanel } from "./BrandPanel";
import { Chips } from "./Chips";
import { ContentResults } from "./ContentResults";
import { MODALITIES, PLATFORMS, modalityName, platformName } from "./names";
import { NotOffered } from "./NotOffered";
import {
  MAX_BRIEFS,
  briefLines,
  isNotOffered,
  useBrand,
  useDescribe,
  useDescribeBatch,
  useTemplate,
  useTemplates,
} from "./queries";
import { useDescribeResults } from "./results";
import "../batch/batch.css";
import "./describe.css";

/** "Describe what you need": a brief (or up to 10, one per line) → Lamina picks the app. */
export function DescribePage({ templateId }: { templateId?: string }) {
  const { t } = useTranslation("describe");
  const navigate = useUi((s) => s.navigate);
  const [chosenTemplate, setChosenTemplate] = useState(templateId ?? "");
  const template = useTemplate(chosenTemplate === "" ? undefined : chosenTemplate);
  const templates = useTemplates();
  const brand = useBrand();
  const [text, setText] = useState("");
  // undefined: not chosen yet, so a template's suggestion applies.
  const [platformChoice, setPlatform] = useState<string | null | undefined>(undefined);
  const [modalityChoice, setModality] = useState<string | null | undefined>(undefined);
  const [followBrand, setFollowBrand] = useState(true);
  const [tooMany, setTooMany] = useState(false);
  const describe = useDescribe();
  const batch = useDescribeBatch();
  const results = useDescribeResults();
  const fieldId = useId();
  const helpId = useId();

  const platform =
    platformChoice === undefined ? (template.data?.suggestedPlatforms[0] ?? null) : platformChoice;
  const modality =
    modalityChoice === undefined ? (template.data?.suggestedModalities[0] ?? null) : modalityChoice;
  const lines = briefLines(text);
  const pending = describe.isPending || batch.isPending;
  const failure = describe.error ?? batch.error;

  const request = (brief: string): ContentBrief => ({
    brief,
    platform,
    modality,
    templateId: chosenTemplate === "" ? null : chosenTemplate,
    brandId: followBrand ? (brand.data?.profileId ?? null) : null,
    inputs: {},
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (lines.length === 0 || pending) return;
    if (lines.length > MAX_BRIEFS) {
      setTooMany(true);
      return;
    }
    setTooMany(false);
    if (lines.length === 1) {
      describe.mutate(request(lines[0] ?? ""), {
        onSuccess: (content) =>
          results.show([{ index: 0, brief: content.content.request.brief, content, error: null }]),
      });
    } else {
      batch.mutate(lines.map(request), { onSuccess: (items) => results.show(items) });
    }
  };

  if (isNotOffered(failure) || (isNotOffered(templates.error) && isNotOffered(brand.error))) {
    return (
      <div className="page describe-page" data-testid="describe-page">
        <header className="page-header">
          <h1>{t("page.title")}</h1>
        </header>
        <NotOffered what={t("notOffered.create")} />
      </div>
    );
  }

  return (
    <div className="page describe-page" data-testid="describe-page">
      <header className="page-header">
        <h1>{t("page.title")}</h1>
        <p className="page-lede">{t("page.lede")}</p>
      </header>
      <div className="describe-layout">
        <form className="describe-form card-panel" onSubmit={submit} data-testid="describe-form">
          <label className="describe-label" htmlFor={fieldId}>
            {t("form.label")}
          </label>
          <textarea
            id={fieldId}
            className="input describe-brief"
            data-testid="describe-brief"
            rows={4}
            value={text}
            placeholder={t("form.placeholder")}
            aria-describedby={helpId}
            onChange={(e) => setText(e.target.value)}
          />
          <p id={helpId} className="muted describe-help">
            {lines.length > 1
              ? t("form.manyHelp", { count: lines.length, max: MAX_BRIEFS })
              : t("form.help", { max: MAX_BRIEFS })}
          </p>
          {tooMany && (
            <p className="field-error" role="alert" data-testid="describe-too-many">
              {t("form.tooMany", { count: lines.length, max: MAX_BRIEFS })}
            </p>
          )}

          <Chips
            label={t("form.platform")}
            testid="platform"
            values={PLATFORMS}
            labelOf={(v) => platformName(t, v)}
            value={platform}
            onChange={setPlatform}
          />
          <Chips
            label={t("form.modality")}
            testid="modality"
            values={MODALITIES}
            labelOf={(v) => modalityName(t, v)}
            value={modality}
            onChange={setModality}
          />

          <div className="describe-pickers">
            <label className="describe-picker">
              <span>{t("form.template")}</span>
              <select
                className="input"
                data-testid="describe-template"
                value={chosenTemplate}
                disabled={!templates.data}
                onChange={(e) => setChosenTemplate(e.target.value)}
              >
                <option value="">{t("form.noTemplate")}</option>
                {(templates.data ?? []).map((tmpl) => (
                  <option key={tmpl.id} value={tmpl.id}>
                    {tmpl.name}
                  </option>
                ))}
              </select>
            </label>
            <button
              type="button"
              className="btn btn-ghost"
              data-testid="browse-templates"
              onClick={() => navigate({ page: "templates" })}
            >
              {t("form.browseTemplates")}
            </button>
            {brand.data && (
              <label className="describe-check">
                <input
                  type="checkbox"
                  data-testid="describe-follow-brand"
                  checked={followBrand}
                  onChange={(e) => setFollowBrand(e.target.checked)}
                />
                {t("form.followBrand", { name: brand.data.name ?? t("brand.yours") })}
              </label>
            )}
          </div>

          <div className="describe-submit">
            <button
              type="submit"
              className="btn btn-primary"
              data-testid="describe-generate"
              disabled={lines.length === 0 || pending}
            >
              {pending
                ? t("form.starting")
                : lines.length > 1
                  ? t("form.generateMany", { count: lines.length })
                  : t("form.generate")}
            </button>
          </div>
          {failure && !isNotOffered(failure) && <InlineError error={failure} />}
        </form>
        <BrandPanel />
      </div>
      <ContentResults items={results.items} />
    </div>
  );
}
