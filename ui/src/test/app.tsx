// Shared set-up for the flow tests: the whole app on the in-memory backend, and a stand-in for
// the layout jsdom doesn't do (the virtualized lists need a size to decide what to render).
import { render } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach } from "vitest";
import { Root, createQueryClient } from "../Root";
import { MemoryBackend, type MemoryOptions } from "../lib/backend/memory";

let backends: MemoryBackend[] = [];
let restoreLayout: (() => void) | null = null;

afterEach(() => {
  for (const b of backends) b.dispose();
  backends = [];
  restoreLayout?.();
  restoreLayout = null;
});

/** Every element measures `width` × `height`, and `scrollTo` moves `scrollTop`. */
export function mockLayout(width = 1200, height = 800): void {
  const proto = HTMLElement.prototype;
  const saved = {
    clientWidth: Object.getOwnPropertyDescriptor(proto, "clientWidth"),
    clientHeight: Object.getOwnPropertyDescriptor(proto, "clientHeight"),
    scrollTo: Object.getOwnPropertyDescriptor(proto, "scrollTo"),
  };
  Object.defineProperty(proto, "clientWidth", { configurable: true, get: () => width });
  Object.defineProperty(proto, "clientHeight", { configurable: true, get: () => height });
  Object.defineProperty(proto, "scrollTo", {
    configurable: true,
    value(this: HTMLElement, options: ScrollToOptions) {
      if (options.top !== undefined) this.scrollTop = options.top;
      this.dispatchEvent(new Event("scroll"));
    },
  });
  restoreLayout = () => {
    for (const [key, descriptor] of Object.entries(saved)) {
      if (descriptor) Object.defineProperty(proto, key, descriptor);
      else delete (proto as unknown as Record<string, unknown>)[key];
    }
  };
}

/** A demo workspace (already chosen), laid out, with `seed` run before the first render. */
export function startApp(
  options: MemoryOptions = {},
  seed: (backend: MemoryBackend) => void = () => {},
) {
  const backend = new MemoryBackend({ stepMs: 40, mode: "demo", ...options });
  backends.push(backend);
  seed(backend);
  mockLayout();
  const user = userEvent.setup();
  render(<Root backend={backend} queryClient={createQueryClient()} />);
  return { backend, user };
}
