import app from "./app";
import { type EdgeBindings, edgeRole } from "./edge/edge-role";
import type { Bindings } from "./env";
import { scheduled } from "./scheduled";

export type { AppType } from "./app";

/**
 * One Worker, two roles: the origin (the API itself, placed next to the data) and, with
 * `ROLE = "edge"`, the edge role in front of it, which serves stale-tolerant reads from its
 * location's cache and hands everything else to the origin (src/edge/edge-role.ts).
 */
export default {
  fetch: (request: Request, env: Bindings, ctx: ExecutionContext) =>
    env.ROLE === "edge" ? edgeRole.fetch(request, env as EdgeBindings, ctx) : app.fetch(request, env, ctx),
  scheduled,
} satisfies ExportedHandler<Bindings>;
