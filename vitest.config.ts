import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { unstable_readConfig } from "wrangler";

// Tests that need Redis answering: they assert cache hits, replays or limits.
const NEEDS_REDIS = [
  "src/cache/bypass.test.ts",
  "src/cache/hits-and-misses.test.ts",
  "src/cache/invalidation-order-lines.test.ts",
  "src/cache/invalidation-orders.test.ts",
  "src/cache/invalidation-products.test.ts",
  "src/cache/keys.test.ts",
  "src/middleware/cors.test.ts",
  "src/edge/edge-role.test.ts",
  "src/lib/conditional-reads.test.ts",
  "src/lib/conditional-writes.test.ts",
  "test/api/data-tools.test.ts",
  "src/idempotency/keys.test.ts",
];

// The Worker's runtime settings come from wrangler.toml, its bindings only from the test stack:
// the plugin's `wrangler.configPath` would also load `.dev.vars` (a developer's local values for
// a bare `wrangler dev`), and a rate limit or Redis URL left there must not change a test run.
const wrangler = unstable_readConfig({ config: "./wrangler.toml" });
const worker = {
  main: wrangler.main,
  compatibilityDate: wrangler.compatibility_date,
  compatibilityFlags: wrangler.compatibility_flags,
  // The docs page's Swagger UI files, as `[assets]` in wrangler.toml binds them.
  assets: wrangler.assets?.directory
    ? { directory: wrangler.assets.directory, binding: wrangler.assets.binding, run_worker_first: true }
    : undefined,
};

const TEST_LIMITERS = {
  TEST_LIMIT_2: { namespace_id: "9002", simple: { limit: 2, period: 60 as const } },
  TEST_LIMIT_3: { namespace_id: "9003", simple: { limit: 3, period: 60 as const } },
  TEST_LIMIT_1000: { namespace_id: "9004", simple: { limit: 1000, period: 60 as const } },
};

/**
 * How the workerd projects run their files: one after another in one isolate, which starts
 * workerd and evaluates the Worker's modules once per project instead of once per file (that
 * start-up was most of a run's time; see docs/testing.md). The files share one database and one
 * Redis and reset both before each test. The Worker's module state is safe to share: the parsed
 * config is keyed by the env object a request gets, clients by their URL, and what a file changes
 * through `neonConfig` the next file's helpers set again. A test must not count on a fresh isolate.
 */
const ONE_ISOLATE = { fileParallelism: false, isolate: false } as const;

/**
 * workerd without `--verbose` (the plugin turns it on): its info-level lines are about workers
 * other than ours. Miniflare sends every outbound fetch through a worker of its own, which
 * rethrows a broken connection; workerd then logged "uncaught exception … Network connection
 * lost" for that worker, with native stack lines, each time the faults suite broke a connection
 * (`drop`), although the Worker handles the rejected fetch (an outcome-unknown 503). The Worker
 * runs in the tests' isolate: an unhandled rejection in it reaches vitest, which reports it as an
 * error and fails the run, verbose or not.
 */
const QUIET_WORKERD = { verbose: false } as const;

/**
 * The API tests run inside workerd and call the Worker through its fetch handler. The
 * "api-redis-down" project runs them again with Upstash answering 503 to everything: every read
 * and write must still work, served by the database with X-Cache: BYPASS.
 */
function apiProject(name: string, redisDown: boolean, groupOrder: number) {
  return {
    plugins: [
      cloudflareTest(({ inject }) => ({
        main: worker.main,
        ...QUIET_WORKERD,
        miniflare: {
          compatibilityDate: worker.compatibilityDate,
          compatibilityFlags: worker.compatibilityFlags,
          assets: worker.assets,
          bindings: {
            ...inject("stack").bindings,
            API_KEYS: "test-key-1,test-key-2",
            AUTH_DISABLED: "true",
            STACK_NEON_ORIGIN: inject("stack").neonOrigin,
            STACK_NEON_URL: inject("stack").bindings.NEON_FETCH_ENDPOINT ?? "",
            STACK_UPSTASH_ORIGIN: inject("stack").upstashOrigin,
            STACK_UPSTASH_URL: inject("stack").upstashOrigin,
            STACK_UNAVAILABLE_ORIGIN: inject("stack").unavailableOrigin,
            STACK_TOOLS: inject("stack").toolsOrigin,
            // A Redis that answers is given time, even on a loaded machine, and a slow answer
            // does not make the isolate skip it for later tests; the faults suite tries deadlines.
            // Neither project lets one request's Redis failure make the isolate skip Redis for
            // later tests: whether a request asks Redis must not depend on how long ago another
            // test's request failed (the cool-off has tests of its own in the faults suite).
            ...(redisDown
              ? {
                  UPSTASH_REDIS_REST_URL: inject("stack").unavailableOrigin,
                  STACK_REDIS_DOWN: "true",
                  REDIS_COOL_OFF_MS: "0",
                }
              : { REDIS_TIMEOUT_MS: "2000", REDIS_COOL_OFF_MS: "0" }),
          },
          // Cloudflare's Rate Limiting, as miniflare simulates it; tests hand one to the Worker as
          // RATE_LIMIT_READS or RATE_LIMIT_WRITES (the Worker has none unless given one).
          ratelimits: TEST_LIMITERS,
        },
      })),
    ],
    test: {
      name,
      include: ["test/api/**/*.test.ts", "src/**/*.test.ts"],
      sequence: { groupOrder },
      exclude: redisDown ? NEEDS_REDIS : [],
      globalSetup: ["./test/global-setup.ts"],
      setupFiles: ["./test/setup.ts"],
      ...ONE_ISOLATE,
      // The pool inlines vitest's on-disk module cache without its source map, which shifts
      // every code frame and stack line of a failure; transforming afresh keeps them exact.
      fsModuleCache: false,
    },
  };
}

// Lines the Worker logs on purpose in tests (each request, and errors a test provokes: a broken
// configuration, a database or Redis outage). Anything else it logs still reaches the report.
const EXPECTED_LOGS = [
  '"message":"request"',
  '"level":"warn"',
  '"message":"configuration error"',
  '"message":"database unavailable or silent"',
  '"message":"background work failed"',
  '"message":"scheduled"',
  '"message":"scheduled outbox failed"',
];

export default defineConfig({
  test: {
    // `npm run test:coverage`: istanbul instruments the code as it is transformed, which works
    // inside workerd (V8 coverage needs the inspector, which the pool does not offer).
    coverage: {
      provider: "istanbul",
      include: ["src/**/*.ts"],
      // The drizzle schema is declarations that drizzle-kit reads; its callbacks never run in the Worker.
      exclude: ["src/db/schema.ts", "src/**/*.test.ts"],
      reporter: ["text-summary", "json-summary", "html"],
      reportsDirectory: "coverage",
      // Measured 2026-12-05 on PostgreSQL: lines 97.4 %, statements 96.8 %, functions 97.5 %,
      // branches 88.0 % (the problem catalogue made each problem's detail a function of its own,
      // and some, such as a unique value duplicated, no API request can reach).
      thresholds: { lines: 97, statements: 96, functions: 97, branches: 82 },
    },
    onConsoleLog: (line: string) => !EXPECTED_LOGS.some((expected) => line.includes(expected)),
    // The suite talks to a real database and Redis; only a test slower than this is worth a line.
    slowTestThreshold: 3000,
    // Each project starts its own stack and Redis (see docs/testing.md) and they run one after
    // another (`sequence.groupOrder`): a REDIS_URL given to the run is one database that each
    // project flushes, so two projects must never run at the same time.
    projects: [
      apiProject("api", false, 0),
      apiProject("api-redis-down", true, 1),
      {
        plugins: [
          cloudflareTest(({ inject }) => ({
            main: worker.main,
            ...QUIET_WORKERD,
            miniflare: {
              compatibilityDate: worker.compatibilityDate,
              compatibilityFlags: worker.compatibilityFlags,
              assets: worker.assets,
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
          sequence: { groupOrder: 2 },
          globalSetup: ["./test/faults/global-setup.ts"],
          setupFiles: ["./test/faults/setup.ts"],
          ...ONE_ISOLATE,
          fsModuleCache: false,
          testTimeout: 30_000,
        },
      },
      {
        test: {
          // The local stack's protocol tests and other checks that need Node.
          name: "node",
          environment: "node",
          include: ["dev/**/*.test.ts", "test/node/**/*.test.ts"],
          sequence: { groupOrder: 3 },
          globalSetup: ["./test/node-setup.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
