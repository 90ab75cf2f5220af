// The desktop side of Describe and publishing: the generated commands, with the service's
// "not offered" answer turned into an `unsupported` BackendError carrying its plain words (the
// screens switch on that kind and say so instead of failing).
import { commands, events } from "./bindings";
import type { Backend } from "./index";
import { BackendError } from "./index";
import type { AppError, PublishView } from "./types";

type Result<T, E> = { status: "ok"; data: T } | { status: "error"; error: E };
type Offered<T> = { state: "offered"; value: T } | { state: "notOffered"; message: string };

async function call<T>(run: () => Promise<Result<T, AppError>>): Promise<T> {
  let result: Result<T, AppError>;
  try {
    result = await run();
  } catch (error) {
    throw BackendError.from(error);
  }
  if (result.status === "ok") return result.data;
  throw BackendError.from(result.error);
}

async function offered<T>(run: () => Promise<Result<Offered<T>, AppError>>): Promise<T> {
  const answer = await call(run);
  if (answer.state === "offered") return answer.value;
  throw new BackendError({
    kind: "unsupported",
    message: answer.message,
    detail: "the service has no such endpoint",
    fields: [],
  });
}

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

export function contentCommands(): ContentPart {
  return {
    describeCreate: (r) =>
      offered(() =>
        commands.describeCreate(r.brief, r.platform, r.modality, r.templateId, r.brandId, r.inputs),
      ),
    describeBatch: async (requests) => {
      const views = await offered(() => commands.describeBatch(requests));
      return views.map((content, index) => ({
        index,
        brief: content.content.request.brief,
        content,
        error: null,
      }));
    },
    contentScores: (localId) => offered(() => commands.contentScores(localId)),
    listTemplates: () => offered(() => commands.listTemplates()),
    getTemplate: (id) => offered(() => commands.template(id)),
    brandContext: (brandId) => offered(() => commands.brandContext(brandId)),
    publishingChannels: () => offered(() => commands.publishingChannels()),
    publish: (localId, indexes, channelIds, caption) =>
      offered(() => commands.publish(localId, indexes, channelIds, caption)),
    publishingHistory: () => call(() => commands.publishingHistory()),
    captionForRun: (localId) => call(() => commands.captionForRun(localId)),
    openPostLink: (url) => call(() => commands.openPostLink(url)).then(() => undefined),
    onPublishUpdated: (callback: (publish: PublishView) => void) => {
      let stopped = false;
      let unlisten: (() => void) | null = null;
      events.publishUpdated
        .listen((e) => {
          if (!stopped) callback(e.payload);
        })
        .then((fn) => {
          if (stopped) fn();
          else unlisten = fn;
        })
        .catch((error: unknown) => console.error("could not subscribe to publish updates", error));
      return () => {
        stopped = true;
        unlisten?.();
      };
    },
  };
}
