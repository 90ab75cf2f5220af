import { i18n } from "../../i18n";
import type { RunRecord } from "../../lib/backend/types";
import { friendlyError } from "../../lib/errors";
import { useStartRun } from "../../lib/queries";
import { useUi } from "../../lib/store";
import { toast } from "../../lib/toasts";

/** Starts a run again with exactly the same inputs, then shows the new run. */
export function useRerun() {
  const start = useStartRun();
  const select = useUi((s) => s.selectRun);
  const rerun = (run: RunRecord) =>
    start.mutate(
      { appId: run.appId, inputs: run.inputs },
      {
        onSuccess: (fresh) => {
          select(fresh.localId);
          toast(i18n.t("runDetail:rerunStarted", { app: run.appName }));
        },
        onError: (error) => toast(friendlyError(error).message, "error"),
      },
    );
  return { rerun, isPending: start.isPending };
}
