import type { Bindings } from "../src/env";

declare global {
  namespace Cloudflare {
    interface GlobalProps {
      mainModule: typeof import("../src/index");
    }
    interface Env extends Bindings {
      /** The test stack's Neon proxy (for /stats) and Upstash proxy, from global setup. */
      STACK_NEON_ORIGIN: string;
      STACK_UPSTASH_ORIGIN: string;
      /** A server answering every request 503 (Neon or Upstash in an outage), from global setup. */
      STACK_UNAVAILABLE_ORIGIN: string;
      /** Set by the "api-redis-down" project, whose Upstash URL is that server. */
      STACK_REDIS_DOWN?: string;
    }
  }
}
