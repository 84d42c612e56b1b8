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
      /** Set by the "api-redis-down" project, whose Upstash URL is a closed port. */
      STACK_REDIS_DOWN?: string;
    }
  }
}
