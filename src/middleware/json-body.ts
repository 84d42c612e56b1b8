import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { MAX_BODY_BYTES } from "../lib/http";
import { decodeUtf8 } from "../lib/utf8";
import { problem } from "../problems/catalogue";

const isJson = (contentType: string | undefined) =>
  contentType !== undefined && /^application\/([a-z0-9.+-]*\+)?json(\s*;|$)/i.test(contentType);

const limit = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw problem("body_too_large", { limit: MAX_BODY_BYTES });
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
      throw problem("not_json", { contentType });
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
      throw problem("invalid_json");
    }
    await next();
  });
});
