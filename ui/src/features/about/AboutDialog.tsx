import * as Dialog from "@radix-ui/react-dialog";
import { useEffect, useState } from "react";
import { isTauri } from "../../lib/backend";
import "./about.css";

/** Name and version of the running app: the desktop app's own (from Cargo), else the browser demo. */
export async function appIdentity(): Promise<{ name: string; version: string }> {
  if (isTauri()) {
    const { getName, getVersion } = await import("@tauri-apps/api/app");
    const [name, version] = await Promise.all([getName(), getVersion()]);
    return { name, version };
  }
  return { name: "Lamina Desktop", version: "browser preview" };
}

/** "About Lamina Desktop": a small link in the sidebar that opens a dialog with the version. */
export function AboutButton() {
  const [open, setOpen] = useState(false);
  const [identity, setIdentity] = useState<{ name: string; version: string } | null>(null);

  useEffect(() => {
    if (!open || identity) return;
    let live = true;
    appIdentity()
      .then((found) => live && setIdentity(found))
      .catch(() => live && setIdentity({ name: "Lamina Desktop", version: "unknown" }));
    return () => {
      live = false;
    };
  }, [open, identity]);

  return (
    <Dialog.Root open={open} onOpenChange={setOpen}>
      <Dialog.Trigger className="about-link" data-testid="about-open">
        About Lamina Desktop
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="about-overlay" />
        <Dialog.Content className="about-dialog" data-testid="about-dialog">
          <img className="about-icon" src="/app-icon.png" alt="" width={64} height={64} />
          <Dialog.Title className="about-title">{identity?.name ?? "Lamina Desktop"}</Dialog.Title>
          <Dialog.Description className="about-version" data-testid="about-version">
            {identity ? `Version ${identity.version}` : "Version …"}
          </Dialog.Description>
          <p className="about-text">
            Generate product images with Lamina apps. Your API key stays in the system keychain.
          </p>
          <p className="about-text">MIT licence. Built with Tauri.</p>
          <Dialog.Close className="btn btn-small" data-testid="about-close">
            Close
          </Dialog.Close>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
