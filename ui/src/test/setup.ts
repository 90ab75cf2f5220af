import "@testing-library/jest-dom/vitest";
import { cleanup, configure } from "@testing-library/react";
import { afterEach } from "vitest";
import { usePrefs, useUi } from "../lib/store";
import { useToasts } from "../lib/toasts";

// findBy/waitFor give up after 1 s by default; a loaded 2-core CI machine needs more room.
configure({ asyncUtilTimeout: 5000 });

afterEach(() => {
  cleanup();
  localStorage.clear();
  useUi.setState(useUi.getInitialState(), true);
  usePrefs.setState(usePrefs.getInitialState(), true);
  useToasts.setState(useToasts.getInitialState(), true);
});
