// The Worker's own bindings come from the generated worker-configuration.d.ts (npm run cf-typegen).
declare global {
  namespace Cloudflare {
    interface Env {
      /** The test stack's Neon proxy (for /stats) and Upstash proxy, from global setup. */
      STACK_NEON_ORIGIN: string;
      STACK_UPSTASH_ORIGIN: string;
      /** The proxies' own URLs, for arranging and inspecting state around the Worker. */
      STACK_NEON_URL: string;
      STACK_UPSTASH_URL: string;
      /** The "faults" project only: fault proxies in front of Neon and Upstash, and the lock holder. */
      STACK_DB_FAULT?: string;
      STACK_REDIS_FAULT?: string;
      STACK_LOCKS?: string;
      /** A server answering every request 503 (Neon or Upstash in an outage), from global setup. */
      STACK_UNAVAILABLE_ORIGIN: string;
      /** The "api" projects: runs the data tools against the test stack (test/tool-runner.ts). */
      STACK_TOOLS?: string;
      /** Set by the "api-redis-down" project, whose Upstash URL is that server. */
      STACK_REDIS_DOWN?: string;
      /** Real (simulated) Workers Rate Limiting bindings, handed to requests as RATE_LIMIT_READS/WRITES. */
      TEST_LIMIT_2: RateLimit;
      TEST_LIMIT_3: RateLimit;
      TEST_LIMIT_1000: RateLimit;
    }
  }
}

export {};
