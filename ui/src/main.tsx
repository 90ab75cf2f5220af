// The entry is kept small on purpose: it asks Rust for the first screen's data at once, while the
// rest of the UI (React, the catalog of strings, every screen) is still loading and compiling.
import { createBackend } from "./lib/backend";
import { markStartup } from "./lib/startup";
import "./styles.css";

markStartup("script");

const container = document.getElementById("root");
if (!container) throw new Error("#root missing from index.html");

const backend = createBackend();
// A failed answer only means the screens ask for themselves, as they would later anyway.
const firstScreen = backend.then((b) => b.startupState()).catch(() => null);
const ui = import("./boot");

Promise.all([backend, firstScreen, ui])
  .then(([backend, firstScreen, { render }]) => {
    markStartup("first-screen-data");
    render(container, backend, firstScreen);
  })
  .catch(async (error: unknown) => {
    const { i18n } = await import("./i18n");
    container.textContent = i18n.t("starting.failedWith", { error: String(error) });
  });
