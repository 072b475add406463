/**
 * Vite config of the browser client. `root` is absolute so the config behaves the same
 * whether Vite runs from client/ (`npm run build -w client`) or is mounted by the game
 * server in middleware mode from the repository root.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const clientDir = fileURLToPath(new URL(".", import.meta.url));
const workspaceDir = fileURLToPath(new URL("..", import.meta.url));

export default defineConfig({
  root: clientDir,
  build: {
    outDir: fileURLToPath(new URL("./dist", import.meta.url)),
    emptyOutDir: true,
    // Pixi alone is ~500 kB minified; one game bundle is expected, not a warning.
    chunkSizeWarningLimit: 1500,
  },
  server: {
    // @oatnut/shared is a workspace package outside client/: let the dev server read it.
    fs: { allow: [workspaceDir] },
  },
});
