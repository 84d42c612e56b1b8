import type { OpenAPIHono, RouteConfig, RouteHandler } from "@hono/zod-openapi";
import type { Db } from "./db/client";
import type { Bindings, Config } from "./env";
import type { RedisSession } from "./lib/redis";

export interface AppEnv {
  Bindings: Bindings;
  Variables: {
    config: Config;
    db: Db;
    /** null when Redis is not configured: the cache is off. */
    redis: RedisSession | null;
    requestId: string;
  };
}

export type AppOpenAPI = OpenAPIHono<AppEnv>;
export type AppRouteHandler<R extends RouteConfig> = RouteHandler<R, AppEnv>;
