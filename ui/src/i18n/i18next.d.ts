// Typed keys: `t("…")` with a key absent from the English catalog fails the type check.
// Add one line per namespace (file in locales/en).
import "i18next";
import type apps from "./locales/en/apps.json";
import type about from "./locales/en/about.json";
import type batch from "./locales/en/batch.json";
import type common from "./locales/en/common.json";
import type gallery from "./locales/en/gallery.json";
import type history from "./locales/en/history.json";
import type onboarding from "./locales/en/onboarding.json";
import type runDetail from "./locales/en/runDetail.json";
import type runs from "./locales/en/runs.json";
import type settings from "./locales/en/settings.json";
import type shell from "./locales/en/shell.json";
import type shortcuts from "./locales/en/shortcuts.json";
import type delivery from "./locales/en/delivery.json";
import type usage from "./locales/en/usage.json";
import type compare from "./locales/en/compare.json";
import type presets from "./locales/en/presets.json";
import type connection from "./locales/en/connection.json";
import type describe from "./locales/en/describe.json";
import type publishing from "./locales/en/publishing.json";
import type uploads from "./locales/en/uploads.json";
import type storage from "./locales/en/storage.json";

declare module "i18next" {
  interface CustomTypeOptions {
    defaultNS: "common";
    resources: {
      about: typeof about;
      apps: typeof apps;
      common: typeof common;
      gallery: typeof gallery;
      history: typeof history;
      onboarding: typeof onboarding;
      runDetail: typeof runDetail;
      runs: typeof runs;
      settings: typeof settings;
      shell: typeof shell;
      shortcuts: typeof shortcuts;
      delivery: typeof delivery;
      usage: typeof usage;
      batch: typeof batch;
      compare: typeof compare;
      uploads: typeof uploads;
      storage: typeof storage;
      presets: typeof presets;
      connection: typeof connection;
      describe: typeof describe;
      publishing: typeof publishing;
    };
  }
}
