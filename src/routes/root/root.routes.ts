import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, jsonContent } from "../../lib/openapi";

export const HealthSchema = z
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
  tags: ["Meta"],
  summary: "Greeting kept from the old service",
  responses: {
    200: jsonContent(z.object({ message: z.string().openapi({ example: "Hello, World!" }) }), "Greeting"),
    ...errorResponses(),
  },
});

export const health = createRoute({
  method: "get",
  path: "/health",
  tags: ["Meta"],
  summary: "Database and cache checks",
  responses: {
    ...errorResponses(),
    200: jsonContent(HealthSchema, "The database answers (the cache may be degraded or disabled)"),
    // After the spread: /health answers its own body on 503, not a Problem.
    503: jsonContent(HealthSchema, "The database cannot be reached"),
  },
});

export type HelloRoute = typeof hello;
export type HealthRoute = typeof health;
