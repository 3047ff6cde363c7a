import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    globalSetup: ["test/support/global-setup.ts"],
    // The files of a worker share their modules (the AWS SDK, exceljs, SST's sources load once per
    // worker, not per file: about 30 % of the run). Each file starts its own servers and restores
    // its mocks; test/functions/settings.test.ts resets the modules it needs fresh.
    isolate: false,
    // sst's `Resource` reads its variables once per module instance; inlining it lets a test load
    // a fresh instance after setting them (see test/functions/settings.test.ts).
    server: { deps: { inline: ["sst"] } },
    // The AWS SDK warns once per process that its 2027 releases need Node 22; the Lambda runtime is
    // nodejs22.x and the tests run on Node 20 on purpose, so the warning is only noise here.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  },
});
