import * as Dialog from "@radix-ui/react-dialog";
import { Fragment } from "react";
import { useTranslation } from "react-i18next";
import { CloseIcon } from "../../components/Icons";
import { SHORTCUTS, keyLabel, useShortcutsHelp } from "../../lib/shortcuts";
import "./shortcuts.css";

/** The list of keyboard shortcuts: "?" anywhere, or the buttons in Settings and About. */
export function ShortcutsDialog() {
  const { t } = useTranslation(["shortcuts", "common"]);
  const open = useShortcutsHelp((s) => s.open);
  const setOpen = useShortcutsHelp((s) => s.setOpen);
  return (
    <Dialog.Root open={open} onOpenChange={setOpen}>
      <Dialog.Portal>
        <Dialog.Overlay className="about-overlay" />
        <Dialog.Content
          className="shortcuts-dialog"
          data-testid="shortcuts-dialog"
          onCloseAutoFocus={(e) => {
            // Opened by a key, not a trigger: focus goes back to where it was.
            const back = useShortcutsHelp.getState().returnTo;
            if (back?.isConnected) {
              e.preventDefault();
              back.focus();
            }
          }}
        >
          <header className="shortcuts-head">
            <Dialog.Title className="shortcuts-title">{t("title")}</Dialog.Title>
            <Dialog.Close className="icon-btn" aria-label={t("common:actions.close")}>
              <CloseIcon />
            </Dialog.Close>
          </header>
          <Dialog.Description className="muted">{t("description")}</Dialog.Description>
          <dl className="shortcuts-list">
            {SHORTCUTS.map((s) => (
              <div key={s.id} className="shortcuts-row" data-testid={`shortcut-${s.id}`}>
                <dt>{t(`actions.${s.id}`)}</dt>
                <dd>
                  {s.combos.map((combo, i) => (
                    <Fragment key={combo.join("+")}>
                      {i > 0 && <span className="shortcuts-or">{t("or")}</span>}
                      <span className="shortcuts-combo">
                        {combo.map((k) => (
                          <kbd key={k}>{keyLabel(k)}</kbd>
                        ))}
                      </span>
                    </Fragment>
                  ))}
                </dd>
              </div>
            ))}
          </dl>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

/** A button that opens the list (Settings, About). */
export function ShortcutsButton({ className = "btn" }: { className?: string }) {
  const { t } = useTranslation("shortcuts");
  const setOpen = useShortcutsHelp((s) => s.setOpen);
  return (
    <button
      type="button"
      className={className}
      data-testid="shortcuts-open"
      aria-keyshortcuts="Shift+?"
      onClick={() => setOpen(true)}
    >
      {t("show")}
    </button>
  );
}
