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

/** What a log line needs of a request's context: its id (the first middleware sets it), method and path. */
interface Logged {
  get(key: "requestId"): string | undefined;
  req: { method: string; url: string };
}

function context(c: Logged) {
  return { request_id: c.get("requestId"), method: c.req.method, path: new URL(c.req.url).pathname };
}

// A warning names the failure, bounded: its cause may carry a whole request or answer.
function brief(err: unknown): Record<string, unknown> {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return { error: text.length > 300 ? `${text.slice(0, 300)}…` : text };
}

export const log = {
  info(fields: Record<string, unknown>): void {
    console.log(JSON.stringify({ level: "info", ...fields }));
  },
  /** Something failed that the API works around (Redis down, a fast path lost): no answer suffers. */
  warn(c: Logged, message: string, err?: unknown): void {
    console.warn(JSON.stringify({ level: "warn", message, ...context(c), ...(err === undefined ? {} : brief(err)) }));
  },
  error(c: Logged, message: string, err?: unknown): void {
    console.error(
      JSON.stringify({
        level: "error",
        message,
        ...context(c),
        ...(err === undefined ? {} : describe(err)),
      }),
    );
  },
};
