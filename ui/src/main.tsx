import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { Root } from "./Root";
import { i18n } from "./i18n";
import { createBackend } from "./lib/backend";
import "./styles.css";

const container = document.getElementById("root");
if (!container) throw new Error("#root missing from index.html");

createBackend()
  .then((backend) => {
    createRoot(container).render(
      <StrictMode>
        <Root backend={backend} />
      </StrictMode>,
    );
  })
  .catch((error: unknown) => {
    container.textContent = i18n.t("starting.failedWith", { error: String(error) });
  });
