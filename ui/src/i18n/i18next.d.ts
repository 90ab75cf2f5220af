// Typed keys: `t("…")` with a key absent from the English catalog fails the type check.
// Add one line per namespace (file in locales/en).
import "i18next";
import type common from "./locales/en/common.json";
import type compare from "./locales/en/compare.json";
import type presets from "./locales/en/presets.json";

declare module "i18next" {
  interface CustomTypeOptions {
    defaultNS: "common";
    resources: {
      common: typeof common;
      compare: typeof compare;
      presets: typeof presets;
    };
  }
}
