// Bundles the server (and the shared workspace it imports) into server/dist/main.js.
// npm packages stay external: they are installed next to it (node_modules).
import { build } from "esbuild";

await build({
  entryPoints: ["server/src/main.ts"],
  outfile: "server/dist/main.js",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node24",
  sourcemap: true,
  packages: "external",
  alias: { "@oatnut/shared": "./shared/src" },
  logLevel: "warning",
});
console.log("server built: server/dist/main.js");
