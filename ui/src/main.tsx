// The entry is kept small on purpose: it asks Rust for the first screen's data at once, while the
// rest of the UI (React, the catalog of strings, every screen) is still loading and compiling.
import { createBackend } from "./lib/backend";
import { arrivedWithCatalog } from "./lib/first-screen";
import { markStartup, startupTimings } from "./lib/startup";
import "./styles.css";
// The shell's own styles too: the saved first screen is painted before the UI's code (and the
// styles that come with it) loads, so anything it shows must be styled by the entry's CSS.
import "./features/about/about.css";
import "./features/usage/usage.css";

markStartup("script");

const container = document.getElementById("root");
if (!container) throw new Error("#root missing from index.html");

const backend = createBackend();
const preDrawn = arrivedWithCatalog(container);
// The saved catalog came inside the page and is painted with its first frame: that frame is the
// start-up figure (two frames, as the catalog itself reports it when it draws first).
if (preDrawn) {
  markStartup("saved-catalog");
  requestAnimationFrame(() =>
    requestAnimationFrame(() => void backend.then((b) => b.markFirstPaint(startupTimings()))),
  );
}
// A failed answer only means the screens ask for themselves, as they would later anyway.
const firstScreen = backend.then((b) => b.startupState()).catch(() => null);
// With the catalog already in the page, the UI's code (compiled on the page's only thread) waits
// until that first frame is painted: a task queued from the frame's callback runs after it.
const ui = preDrawn
  ? new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve))).then(
      () => import("./boot"),
    )
  : import("./boot");

Promise.all([backend, firstScreen, ui])
  .then(([backend, firstScreen, { render }]) => {
    markStartup("first-screen-data");
    render(container, backend, firstScreen);
  })
  .catch(async (error: unknown) => {
    const { i18n } = await import("./i18n");
    container.textContent = i18n.t("starting.failedWith", { error: String(error) });
  });
