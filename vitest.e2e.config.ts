import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

// Browser tests share one built app and one server (started in globalSetup), so they run one file at a time.
export default defineConfig({
  resolve: { alias: { "~": fileURLToPath(new URL("./app", import.meta.url)) } },
  test: {
    include: ["test/e2e/**/*.e2e.ts"],
    globalSetup: ["test/e2e/global-setup.ts"],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 240_000,
  },
});
