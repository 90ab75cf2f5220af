import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";
import { usePrefs, useUi } from "../lib/store";

afterEach(() => {
  cleanup();
  localStorage.clear();
  useUi.setState(useUi.getInitialState(), true);
  usePrefs.setState(usePrefs.getInitialState(), true);
});
