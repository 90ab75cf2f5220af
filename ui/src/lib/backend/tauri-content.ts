// The desktop side of Describe and publishing. PROVISIONAL until s7-pcore's commands land in
// the generated bindings: every call answers "not offered" so the rest of the app is unaffected.
import type { Backend } from "./index";
import { BackendError } from "./index";

type ContentPart = Pick<
  Backend,
  | "describeCreate"
  | "describeBatch"
  | "contentScores"
  | "listTemplates"
  | "getTemplate"
  | "brandContext"
  | "publishingChannels"
  | "publish"
  | "publishingHistory"
  | "captionForRun"
  | "openPostLink"
  | "onPublishUpdated"
>;

function notYet(): Promise<never> {
  return Promise.reject(
    new BackendError({
      kind: "unsupported",
      message: "This version of Lamina Desktop can't do this yet.",
      detail: "content commands not built in",
      fields: [],
    }),
  );
}

export function contentCommands(): ContentPart {
  return {
    describeCreate: notYet,
    describeBatch: notYet,
    contentScores: notYet,
    listTemplates: notYet,
    getTemplate: notYet,
    brandContext: notYet,
    publishingChannels: notYet,
    publish: notYet,
    publishingHistory: notYet,
    captionForRun: notYet,
    openPostLink: notYet,
    onPublishUpdated: () => () => undefined,
  };
}
