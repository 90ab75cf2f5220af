// Typed keys: `t("…")` with a key absent from the English catalog fails the type check.
// Add one line per namespace (file in locales/en).
import "i18next";
import type common from "./locales/en/common.json";
import type delivery from "./locales/en/delivery.json";
import type usage from "./locales/en/usage.json";

declare module "i18next" {
  interface CustomTypeOptions {
    defaultNS: "common";
    resources: {
      common: typeof common;
      delivery: typeof delivery;
      usage: typeof usage;
    };
  }
}
