import { useId } from "react";
import { useTranslation } from "react-i18next";
import { InlineError } from "../../components/States";
import { KeyIcon, SparkIcon } from "../../components/Icons";
import type { AccountStatus } from "../../lib/backend/types";
import { useStartDemo } from "../../lib/queries";
import { KeyForm } from "../settings/KeyForm";

/** First launch: connect an account, or look around in the demo workspace. */
export function Onboarding({ account }: { account: AccountStatus }) {
  const { t } = useTranslation("onboarding");
  const demo = useStartDemo();
  const keyId = useId();
  return (
    <main className="onboarding" data-testid="onboarding">
      <div className="onboarding-inner">
        <div className="brand-mark" aria-hidden="true">
          <SparkIcon size={22} />
        </div>
        <h1>{t("title")}</h1>
        <p className="page-lede">{t("lede")}</p>

        <div className="choices">
          <section className="choice">
            <div className="choice-icon" aria-hidden="true">
              <KeyIcon size={18} />
            </div>
            <h2>
              {/* Clicking the heading puts the cursor in the key field. */}
              <label htmlFor={keyId} data-testid="connect-account">
                {t("connect.title")}
              </label>
            </h2>
            <p className="muted">{t("connect.body")}</p>
            <KeyForm account={account} inputId={keyId} />
          </section>

          <section className="choice">
            <div className="choice-icon" aria-hidden="true">
              <SparkIcon size={18} />
            </div>
            <h2>{t("demo.title")}</h2>
            <p className="muted">{t("demo.body")}</p>
            <button
              type="button"
              className="btn btn-large"
              data-testid="try-demo"
              disabled={demo.isPending}
              onClick={() => demo.mutate()}
            >
              {demo.isPending ? t("demo.opening") : t("demo.button")}
            </button>
            {demo.isError && <InlineError error={demo.error} />}
          </section>
        </div>
      </div>
    </main>
  );
}
