import * as Dialog from "@radix-ui/react-dialog";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { i18n } from "../../i18n";
import { isTauri } from "../../lib/backend";
import "./about.css";

/** Name and version of the running app: the desktop app's own (from Cargo), else the browser demo. */
export async function appIdentity(): Promise<{ name: string; version: string }> {
  if (isTauri()) {
    const { getName, getVersion } = await import("@tauri-apps/api/app");
    const [name, version] = await Promise.all([getName(), getVersion()]);
    return { name, version };
  }
  return { name: i18n.t("about:name"), version: i18n.t("about:browserPreview") };
}

/** "About Lamina Desktop": a small link in the sidebar that opens a dialog with the version. */
export function AboutButton() {
  const { t } = useTranslation(["about", "common"]);
  const [open, setOpen] = useState(false);
  const [identity, setIdentity] = useState<{ name: string; version: string } | null>(null);

  useEffect(() => {
    if (!open || identity) return;
    let live = true;
    appIdentity()
      .then((found) => live && setIdentity(found))
      .catch(() => live && setIdentity({ name: t("name"), version: t("unknown") }));
    return () => {
      live = false;
    };
  }, [open, identity, t]);

  return (
    <Dialog.Root open={open} onOpenChange={setOpen}>
      <Dialog.Trigger className="about-link" data-testid="about-open">
        {t("open")}
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="about-overlay" />
        <Dialog.Content className="about-dialog" data-testid="about-dialog">
          <img className="about-icon" src="/app-icon.png" alt="" width={64} height={64} />
          <Dialog.Title className="about-title">{identity?.name ?? t("name")}</Dialog.Title>
          <Dialog.Description className="about-version" data-testid="about-version">
            {identity ? t("version", { version: identity.version }) : t("versionPending")}
          </Dialog.Description>
          <p className="about-text">{t("body")}</p>
          <p className="about-text">{t("licence")}</p>
          <Dialog.Close className="btn btn-small" data-testid="about-close">
            {t("common:actions.close")}
          </Dialog.Close>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
