import { useTranslation } from "react-i18next";
import type { BrandEntry } from "../../lib/backend/types";
import { isNotOffered, useBrand } from "./queries";

const COLOUR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

/** What Lamina will follow for this brand, read-only: voice, tone, look and guardrails. */
export function BrandPanel() {
  const { t } = useTranslation("describe");
  const brand = useBrand();
  if (brand.isPending) return null;
  if (brand.isError) {
    return (
      <aside className="brand-panel card-panel" aria-label={t("brand.title")}>
        <h2 className="section-title">{t("brand.title")}</h2>
        <p className="muted" data-testid="brand-missing">
          {isNotOffered(brand.error) ? t("brand.notOffered") : t("brand.failed")}
        </p>
      </aside>
    );
  }
  const b = brand.data;
  const colourOf = (e: BrandEntry) => e.color ?? (COLOUR.test(e.value) ? e.value : null);
  const colours = b.visualIdentity.filter((e) => colourOf(e) !== null);
  const notes = b.visualIdentity.filter((e) => colourOf(e) === null);
  const tone = [b.tonePrimary, b.toneSecondary].filter(Boolean).join(", ");
  return (
    <aside
      className="brand-panel card-panel"
      aria-label={t("brand.title")}
      data-testid="brand-panel"
    >
      <h2 className="section-title">
        {b.name ? t("brand.named", { name: b.name }) : t("brand.title")}
      </h2>
      <p className="muted brand-lede">{t("brand.lede")}</p>
      <dl className="brand-facts">
        {b.voice.length > 0 && (
          <>
            <dt>{t("brand.voice")}</dt>
            <dd>{b.voice.join(", ")}</dd>
          </>
        )}
        {tone && (
          <>
            <dt>{t("brand.tone")}</dt>
            <dd>
              {tone}
              {b.toneAvoid.length > 0 && (
                <span className="muted">
                  {" "}
                  · {t("brand.avoid", { list: b.toneAvoid.join(", ") })}
                </span>
              )}
            </dd>
          </>
        )}
        {(colours.length > 0 || notes.length > 0) && (
          <>
            <dt>{t("brand.look")}</dt>
            <dd>
              {colours.length > 0 && (
                <ul className="brand-swatches" aria-label={t("brand.colours")}>
                  {colours.map((e) => (
                    <li key={`${e.label ?? ""}${e.value}`} className="brand-swatch" title={e.value}>
                      <span
                        className="brand-swatch-colour"
                        style={{ background: colourOf(e) ?? undefined }}
                      />
                      <span className="brand-swatch-code">{e.label ?? colourOf(e)}</span>
                    </li>
                  ))}
                </ul>
              )}
              {notes.length > 0 && (
                <span>
                  {notes.map((e) => (e.label ? `${e.label}: ${e.value}` : e.value)).join("; ")}
                </span>
              )}
            </dd>
          </>
        )}
        {b.guardrails.length > 0 && (
          <>
            <dt>{t("brand.guardrails")}</dt>
            <dd>
              <ul className="brand-guardrails">
                {b.guardrails.map((g) => (
                  <li key={g}>{g}</li>
                ))}
              </ul>
            </dd>
          </>
        )}
      </dl>
    </aside>
  );
}
