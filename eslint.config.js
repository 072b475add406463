// ESLint for the whole repository (typescript-eslint's recommended rules); formatting is
// Prettier's (.prettierrc.json), so eslint-config-prettier turns off the rules it owns.
// `npm run lint` runs both; `npm test` runs it first.
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/dist/**", "test-results/**", "data/**", "logs/**", "coverage/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // `_name` marks a parameter or binding kept on purpose (a signature, a destructured rest).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  { files: ["client/src/**", "e2e/**"], languageOptions: { globals: { ...globals.browser } } },
  {
    // Tests and benchmarks read the SDK's room state, which is typed only on the server
    // side (the client gets its classes from the handshake): `any` is how they read it.
    files: ["**/test/**", "e2e/**", "server/bench/**", "bench/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  prettier,
);
