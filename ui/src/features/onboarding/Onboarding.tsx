import { useId } from "react";
import { InlineError } from "../../components/States";
import { KeyIcon, SparkIcon } from "../../components/Icons";
import type { AccountStatus } from "../../lib/backend/types";
import { useStartDemo } from "../../lib/queries";
import { KeyForm } from "../settings/KeyForm";

/** First launch: connect an account, or look around in the demo workspace. */
export function Onboarding({ account }: { account: AccountStatus }) {
  const demo = useStartDemo();
  const keyId = useId();
  return (
    <main className="onboarding" data-testid="onboarding">
      <div className="onboarding-inner">
        <div className="brand-mark" aria-hidden="true">
          <SparkIcon size={22} />
        </div>
        <h1>Welcome to Lamina</h1>
        <p className="page-lede">
          Product images for your shop, made from a few words and a photo.
        </p>

        <div className="choices">
          <section className="choice">
            <div className="choice-icon" aria-hidden="true">
              <KeyIcon size={18} />
            </div>
            <h2>
              {/* Clicking the heading puts the cursor in the key field. */}
              <label htmlFor={keyId} data-testid="connect-account">
                Connect your Lamina account
              </label>
            </h2>
            <p className="muted">Use your own apps and credits.</p>
            <KeyForm account={account} inputId={keyId} />
          </section>

          <section className="choice">
            <div className="choice-icon" aria-hidden="true">
              <SparkIcon size={18} />
            </div>
            <h2>Try the demo workspace</h2>
            <p className="muted">
              Sample apps with made-up results, so you can see how it works. Nothing is charged, and
              you can connect your account at any time.
            </p>
            <button
              type="button"
              className="btn btn-large"
              data-testid="try-demo"
              disabled={demo.isPending}
              onClick={() => demo.mutate()}
            >
              {demo.isPending ? "Opening…" : "Try the demo workspace"}
            </button>
            {demo.isError && <InlineError error={demo.error} />}
          </section>
        </div>
      </div>
    </main>
  );
}
