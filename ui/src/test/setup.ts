import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";
import { usePrefs, useUi } from "../lib/store";
import { useToasts } from "../lib/toasts";

afterEach(() => {
  cleanup();
  localStorage.clear();
  useUi.setState(useUi.getInitialState(), true);
  usePrefs.setState(usePrefs.getInitialState(), true);
  useToasts.setState(useToasts.getInitialState(), true);
});
