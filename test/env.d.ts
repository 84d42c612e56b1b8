// The Worker's own bindings come from the generated worker-configuration.d.ts (npm run cf-typegen).
declare global {
  namespace Cloudflare {
    interface Env {
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

export {};
