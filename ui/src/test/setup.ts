import "@testing-library/jest-dom/vitest";
import { cleanup, configure } from "@testing-library/react";
import { afterEach, expect } from "vitest";
import { missingKeys } from "../i18n";
import { usePrefs, useUi } from "../lib/store";
import { useToasts } from "../lib/toasts";

// findBy/waitFor give up after 1 s by default; a loaded 2-core CI machine needs more room.
configure({ asyncUtilTimeout: 5000 });

afterEach(() => {
  cleanup();
  // Every string a test rendered must come from the English catalog.
  const missing = missingKeys.splice(0);
  expect(missing, "keys missing from ui/src/i18n/locales/en").toEqual([]);
  localStorage.clear();
  useUi.setState(useUi.getInitialState(), true);
  usePrefs.setState(usePrefs.getInitialState(), true);
  useToasts.setState(useToasts.getInitialState(), true);
});
