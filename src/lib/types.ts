import type { OpenAPIHono, RouteConfig, RouteHandler } from "@hono/zod-openapi";
import type { KeyRecord } from "../cache/store";
import type { Db } from "../db/client";
import type { UnitOfWork } from "../db/unit-of-work";
import type { Bindings, Config } from "../env";
import type { RateCheck } from "./rate-limit";
import type { RedisSession } from "./redis";

export interface AppEnv {
  Bindings: Bindings;
  Variables: {
    config: Config;
    db: Db;
    uow: UnitOfWork;
    /** null when Redis is not configured: cache, idempotency and rate limits are off. */
    redis: RedisSession | null;
    requestId: string;
    /** Who is calling: "key:<hash prefix>" for an API key, else "ip:<address>". */
    principal: string;
    /** A rate check left to the request's first Redis script (the cache lookup, the key's claim). */
    rateCheck: RateCheck | undefined;
    /** The RateLimit headers that check answered, for the response. */
    rateHeaders: Record<string, string> | undefined;
    /** The Idempotency-Key's record, for the write's Redis epilogue. */
    keyRecord: KeyRecord | undefined;
  };
}

export type AppOpenAPI = OpenAPIHono<AppEnv>;
export type AppRouteHandler<R extends RouteConfig> = RouteHandler<R, AppEnv>;
