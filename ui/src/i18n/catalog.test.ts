// The catalog's own rules: English is complete, a translation only has keys English has, and
// every English namespace is registered for typed keys.
import { describe, expect, it } from "vitest";
import declarations from "./i18next.d.ts?raw";

const files = import.meta.glob<{ default: Record<string, unknown> }>("./locales/*/*.json", {
  eager: true,
});

type Catalog = Record<string, Record<string, unknown>>;

function byLanguage(): Record<string, Catalog> {
  const out: Record<string, Catalog> = {};
  for (const [path, module] of Object.entries(files)) {
    const match = /\.\/locales\/([^/]+)\/([^/]+)\.json$/.exec(path);
    if (!match?.[1] || !match[2]) continue;
    (out[match[1]] ??= {})[match[2]] = module.default;
  }
  return out;
}

/** "a.b.c" for every leaf; plural forms (`_one`, `_other`, …) count as their base key. */
function leaves(value: unknown, prefix = ""): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      for (const [key, leaf] of leaves(v, prefix ? `${prefix}.${k}` : k)) out.set(key, leaf);
    }
  } else {
    out.set(prefix.replace(/_(zero|one|two|few|many|other)$/, ""), value);
  }
  return out;
}

describe("message catalog", () => {
  const catalogs = byLanguage();
  const english = catalogs.en ?? {};

  it("has English strings for every namespace, none empty", () => {
    expect(Object.keys(english).length).toBeGreaterThan(5);
    for (const [namespace, strings] of Object.entries(english)) {
      for (const [key, text] of leaves(strings)) {
        expect(typeof text, `${namespace}:${key}`).toBe("string");
        expect((text as string).trim(), `${namespace}:${key}`).not.toBe("");
      }
    }
  });

  it("registers every English namespace for typed keys", () => {
    for (const namespace of Object.keys(english)) {
      expect(declarations, `add ${namespace} to i18next.d.ts`).toContain(
        `${namespace}: typeof ${namespace};`,
      );
    }
  });

  it("has no key in a translation that English lacks", () => {
    for (const [language, namespaces] of Object.entries(catalogs)) {
      if (language === "en") continue;
      for (const [namespace, strings] of Object.entries(namespaces)) {
        const known = leaves(english[namespace] ?? {});
        for (const key of leaves(strings).keys()) {
          expect(known.has(key), `${language}/${namespace}.json: ${key}`).toBe(true);
        }
      }
    }
  });

  it("uses plural forms and interpolation, never a bare count glued to words", () => {
    for (const [namespace, strings] of Object.entries(english)) {
      for (const [key, text] of leaves(strings)) {
        // "{{count}}" only appears in keys that have plural forms.
        if (String(text).includes("{{count}}")) {
          const raw = JSON.stringify(strings);
          const last = key.split(".").pop() ?? key;
          expect(raw, `${namespace}:${key} needs _one/_other`).toContain(`"${last}_other"`);
        }
      }
    }
  });
});
