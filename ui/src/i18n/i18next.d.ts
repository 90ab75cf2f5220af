// Typed keys: `t("…")` with a key absent from the English catalog fails the type check.
// Add one line per namespace (file in locales/en).
import "i18next";
import type batch from "./locales/en/batch.json";
import type common from "./locales/en/common.json";

declare module "i18next" {
  interface CustomTypeOptions {
    defaultNS: "common";
    resources: {
      common: typeof common;
      batch: typeof batch;
    };
  }
}
