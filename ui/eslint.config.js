import js from "@eslint/js";
import globals from "globals";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist", "node_modules", "src/lib/backend/bindings.ts"] },
  {
    files: ["**/*.{ts,tsx}"],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: {
      ecmaVersion: 2022,
      globals: globals.browser,
    },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      // The one seam: Tauri is only reachable through src/lib/backend/.
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@tauri-apps/*"],
              message:
                "Import Tauri only inside src/lib/backend/ and go through the Backend interface.",
            },
            {
              group: ["**/backend/bindings"],
              message:
                "Import backend types from src/lib/backend/types, not the generated bindings.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["src/lib/backend/**/*.{ts,tsx}"],
    rules: { "no-restricted-imports": "off" },
  },
);
