import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, errorStatuses } from "../../problems/openapi";
import { lazily } from "../crud/lazy";
import { jsonContent, PUBLIC } from "../crud/responses";

const HealthSchema = z
  .object({
    status: z.enum(["ok", "degraded", "down"]),
    checks: z.object({
      database: z.enum(["ok", "unreachable"]),
      cache: z.enum(["ok", "unreachable", "disabled"]),
    }),
  })
  .openapi("Health");

export const hello = createRoute({
  method: "get",
  path: "/",
  operationId: "getHello",
  tags: ["Meta"],
  security: PUBLIC,
  summary: "Greeting kept from the old service",
  responses: lazily(() => ({
    200: jsonContent(z.object({ message: z.string().openapi({ example: "Hello, World!" }) }), "Greeting"),
    ...errorResponses(errorStatuses.meta, { instance: "/" }),
  })),
});

export const health = createRoute({
  method: "get",
  path: "/health",
  operationId: "getHealth",
  tags: ["Meta"],
  security: PUBLIC,
  summary: "Database and cache checks",
  responses: lazily(() => ({
    200: jsonContent(HealthSchema, "The database answers (the cache may be degraded or disabled)"),
    // Its own body on 503, not a Problem: a monitor reads the checks either way.
    503: {
      content: {
        "application/json": {
          schema: HealthSchema,
          example: { status: "down", checks: { database: "unreachable", cache: "ok" } },
        },
      },
      description: "The database cannot be reached",
      headers: z.object({ "Retry-After": z.string().openapi({ description: "Seconds to wait", example: "5" }) }),
    },
    ...errorResponses(errorStatuses.meta, { instance: "/health" }),
  })),
});

export type HelloRoute = typeof hello;
export type HealthRoute = typeof health;
