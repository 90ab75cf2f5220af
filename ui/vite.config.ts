import { defineConfig } from "vitest/config";

// No React plugin on purpose: its dev-time Fast Refresh preamble is an inline <script>, which the
// app's CSP (`script-src 'self'`) refuses. The JSX transform alone is enough (full reloads in dev).
export default defineConfig({
  base: "./",
  clearScreen: false,
  oxc: {
    jsx: { runtime: "automatic" },
  },
  server: {
    port: 1420,
    strictPort: true,
    watch: { ignored: ["**/src-tauri/**"] },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    target: "es2022",
    // Nothing inlined as data: URLs, so the CSP can stay free of `data:`.
    assetsInlineLimit: 0,
    rolldownOptions: {
      onwarn(warning, warn) {
        // Radix ships "use client" directives for server components; meaningless in this app.
        if (warning.code === "MODULE_LEVEL_DIRECTIVE") return;
        warn(warning);
      },
    },
  },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    restoreMocks: true,
    // src/theme.test.ts reads the palette from styles.css (other CSS stays out of the tests).
    css: { include: [/styles\.css/] },
    // The flow tests wait for real (short) run timers; leave room for a busy CI machine.
    testTimeout: 20_000,
  },
});
