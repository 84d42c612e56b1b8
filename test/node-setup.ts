import type { TestProject } from "vitest/node";
import { resolveTestRedis } from "../dev/stack/redis.ts";

declare module "vitest" {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

// Redis for the Node-side suites (the Upstash proxy's tests flush it), found or started like the API suite's.
export default async function setup(project: TestProject) {
  const redis = await resolveTestRedis(process.env.REDIS_URL || undefined);
  project.provide("redisUrl", redis.url);
  return () => redis.close();
}
