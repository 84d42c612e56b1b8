import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import { ApiError } from "../lib/problem";
import type { AppEnv } from "../lib/types";
import { decodeUtf8 } from "../lib/utf8";

export const MAX_BODY_BYTES = 1024 * 1024;

const isJson = (contentType: string | undefined) =>
  contentType !== undefined && /^application\/([a-z0-9.+-]*\+)?json(\s*;|$)/i.test(contentType);

const limit = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new ApiError(413, `The body is larger than ${MAX_BODY_BYTES} bytes`);
  },
});

/**
 * Gives bodies their own statuses before route validation sees them: 413 too large, 415 not
 * JSON, 400 malformed JSON. The parsed body is cached by Hono, so validators do not reparse.
 */
export const jsonBody = createMiddleware<AppEnv>(async (c, next) => {
  const method = c.req.method;
  // A read takes no body, so whatever one carries is not looked at.
  const hasBody =
    method === "POST" ||
    method === "PUT" ||
    method === "PATCH" ||
    (method !== "GET" &&
      method !== "HEAD" &&
      (Number(c.req.header("Content-Length") ?? 0) > 0 || c.req.header("Transfer-Encoding") !== undefined));
  if (!hasBody) return next();

  return limit(c, async () => {
    const contentType = c.req.header("Content-Type");
    if (!isJson(contentType)) {
      throw new ApiError(415, `The body must be JSON (Content-Type: application/json), not ${contentType ?? "absent"}`);
    }
    // Decoded here rather than by the platform, which would turn bytes that are not UTF-8 into
    // U+FFFD without a word: they stay visible (lib/utf8.ts), so the field they are in is refused
    // with a 422 that names it. Every later reader of the body (validators, the idempotency
    // fingerprint) reads this text, through Hono's body cache.
    const text = decodeUtf8(new Uint8Array(await c.req.arrayBuffer()));
    // Hono keeps each reading as a promise, though its type declares the value.
    (c.req.bodyCache as unknown as { text: Promise<string> }).text = Promise.resolve(text);
    try {
      await c.req.json();
    } catch {
      throw new ApiError(400, "The body is not valid JSON");
    }
    await next();
  });
});
