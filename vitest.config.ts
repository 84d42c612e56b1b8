import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Tests that need Redis answering: they assert cache hits, replays or limits.
const NEEDS_REDIS = [
  "test/api/cache-bypass.test.ts",
  "test/api/cache-hits-and-misses.test.ts",
  "test/api/cache-invalidation-order-lines.test.ts",
  "test/api/cache-invalidation-orders.test.ts",
  "test/api/cache-invalidation-products.test.ts",
  "test/api/cache-keys.test.ts",
  "test/api/cors.test.ts",
  "test/api/conditional-reads.test.ts",
  "test/api/conditional-writes.test.ts",
  "test/api/idempotency-exactly-once.test.ts",
  "test/api/idempotency-keys.test.ts",
  "test/api/idempotency-replay.test.ts",
  "test/api/rate-limit.test.ts",
];

/**
 * The API tests run inside workerd and call the Worker through its fetch handler. The
 * "api-redis-down" project runs them again with Upstash pointed at a closed port: every read
 * and write must still work, served by the database with X-Cache: BYPASS.
 */
function apiProject(name: string, redisDown: boolean) {
  return {
    plugins: [
      cloudflareTest(({ inject }) => ({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            ...inject("stack").bindings,
            API_KEYS: "test-key-1,test-key-2",
            AUTH_DISABLED: "true",
            STACK_NEON_ORIGIN: inject("stack").neonOrigin,
            STACK_NEON_URL: inject("stack").bindings.NEON_FETCH_ENDPOINT ?? "",
            STACK_UPSTASH_ORIGIN: inject("stack").upstashOrigin,
            STACK_UPSTASH_URL: inject("stack").upstashOrigin,
            // A Redis that answers is given time, even on a loaded machine, and a slow answer
            // does not make the isolate skip it for later tests; the faults suite tries deadlines.
            ...(redisDown
              ? { UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9", STACK_REDIS_DOWN: "true" }
              : { REDIS_TIMEOUT_MS: "2000", REDIS_COOL_OFF_MS: "0" }),
          },
        },
      })),
    ],
    test: {
      name,
      include: ["test/api/**/*.test.ts"],
      exclude: redisDown ? NEEDS_REDIS : [],
      globalSetup: ["./test/global-setup.ts"],
      setupFiles: ["./test/setup.ts"],
      // Files share one database and one Redis and reset them before each test.
      fileParallelism: false,
    },
  };
}

export default defineConfig({
  test: {
    // The Worker logs a JSON line per request, and an error per Redis call when a test points it
    // at a Redis that is down; both are expected and would bury the report.
    onConsoleLog: (line: string) => !(line.includes('"message":"request"') || line.includes('"level":"warn"')),
    projects: [
      apiProject("api", false),
      apiProject("api-redis-down", true),
      {
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                ...inject("faults").bindings,
                API_KEYS: "test-key-1,test-key-2",
                AUTH_DISABLED: "true",
                STACK_NEON_ORIGIN: inject("faults").neonOrigin,
                STACK_NEON_URL: inject("faults").neonUrl,
                STACK_UPSTASH_ORIGIN: inject("faults").upstashUrl,
                STACK_UPSTASH_URL: inject("faults").upstashUrl,
                STACK_DB_FAULT: inject("faults").dbFault,
                STACK_REDIS_FAULT: inject("faults").redisFault,
                STACK_LOCKS: inject("faults").locks,
                // Each test injects its own Redis failures; none lingers into the next, and a slow
                // machine is not taken for a hung Redis.
                REDIS_COOL_OFF_MS: "0",
                REDIS_TIMEOUT_MS: "2000",
              },
            },
          })),
        ],
        test: {
          // Concurrent clients and injected faults, on a Postgres server behind fault proxies.
          name: "faults",
          include: ["test/faults/**/*.test.ts"],
          globalSetup: ["./test/faults/global-setup.ts"],
          setupFiles: ["./test/faults/setup.ts"],
          fileParallelism: false,
          testTimeout: 30_000,
        },
      },
      {
        test: {
          // The local stack's protocol tests and other checks that need Node.
          name: "node",
          environment: "node",
          include: ["test/proxy/**/*.test.ts", "test/node/**/*.test.ts"],
          globalSetup: ["./test/node-setup.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
