import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    // sst's `Resource` reads its variables once per module instance; inlining it lets a test load
    // a fresh instance after setting them (see test/settings.test.ts).
    server: { deps: { inline: ["sst"] } },
  },
});
