import type { Context } from "hono";
import type { AppEnv } from "./types";

// One JSON object per line: Workers Logs indexes the fields, `wrangler dev` prints them.
function describe(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { error: String(err) };
  return {
    error: err.message,
    error_name: err.name,
    stack: err.stack,
    ...(err.cause ? { cause: describe(err.cause) } : {}),
  };
}

export const log = {
  info(fields: Record<string, unknown>): void {
    console.log(JSON.stringify({ level: "info", ...fields }));
  },
  error(c: Context<AppEnv>, message: string, err?: unknown): void {
    console.error(
      JSON.stringify({
        level: "error",
        message,
        request_id: c.get("requestId"),
        method: c.req.method,
        path: new URL(c.req.url).pathname,
        ...(err === undefined ? {} : describe(err)),
      }),
    );
  },
};
