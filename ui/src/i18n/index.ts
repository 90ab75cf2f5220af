// One message catalog for every UI string: `locales/<language>/<namespace>.json`, one namespace
// per feature (plus `common`). A translation is a folder of JSON files; English is complete and is
// the fallback for any key a translation lacks.
import i18next, { type Resource } from "i18next";
import { initReactI18next } from "react-i18next";

const files = import.meta.glob<{ default: Record<string, unknown> }>("./locales/*/*.json", {
  eager: true,
});

function catalog(): Resource {
  const resources: Resource = {};
  for (const [path, module] of Object.entries(files)) {
    const match = /\.\/locales\/([^/]+)\/([^/]+)\.json$/.exec(path);
    if (!match) continue;
    const [, language = "en", namespace = "common"] = match;
    resources[language] ??= {};
    resources[language][namespace] = module.default;
  }
  return resources;
}

/** Keys asked for but absent from the English catalog (the UI tests fail on any). */
export const missingKeys: string[] = [];

const resources = catalog();
const available = Object.keys(resources);
const preferred = (typeof navigator !== "undefined" ? navigator.languages : undefined) ?? [];
const language =
  preferred.map((tag) => tag.split("-")[0] ?? tag).find((base) => available.includes(base)) ?? "en";

void i18next.use(initReactI18next).init({
  resources,
  lng: language,
  fallbackLng: "en",
  defaultNS: "common",
  ns: Object.keys(resources.en ?? {}),
  // Synchronous: the catalog is bundled, so the first render already has its strings.
  initAsync: false,
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
  saveMissing: true,
  missingKeyHandler: (_languages, namespace, key) => {
    missingKeys.push(`${namespace}:${key}`);
  },
});

export const i18n = i18next;

// The page's language is the catalog's (screen readers pick their voice from it).
function setPageLanguage(lng: string): void {
  if (typeof document !== "undefined") document.documentElement.lang = lng;
}
setPageLanguage(i18next.language);
i18next.on("languageChanged", setPageLanguage);

/**
 * The locale used for dates, numbers and sizes: the OS/web view's own, not the catalog's. A web
 * view started with LANG=C reports "C", which Intl refuses (RangeError); Intl's own default there
 * is en-US's POSIX variant, which writes 10000 for 10,000 and 2026-12-06 dates, so plain US
 * English stands in for a locale that names no language.
 */
export function locale(): string | undefined {
  const tag = typeof navigator !== "undefined" ? navigator.language : undefined;
  if (!tag) return undefined;
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return NO_LANGUAGE_LOCALE;
  }
}

/** Stands in for a C/POSIX locale (see `locale`). */
const NO_LANGUAGE_LOCALE = "en-US";
