import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        // The API tests: they run inside workerd and call the Worker through its fetch handler.
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                ...inject("stack").bindings,
                API_KEYS: "test-key-1,test-key-2",
                AUTH_DISABLED: "true",
                STACK_NEON_ORIGIN: inject("stack").neonOrigin,
                STACK_UPSTASH_ORIGIN: inject("stack").upstashOrigin,
              },
            },
          })),
        ],
        test: {
          name: "api",
          include: ["test/api/**/*.test.ts"],
          globalSetup: ["./test/global-setup.ts"],
          setupFiles: ["./test/setup.ts"],
          // Files share one database and one Redis and reset them before each test.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "proxies",
          environment: "node",
          include: ["test/proxy/**/*.test.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
