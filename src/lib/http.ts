const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Writes need a key, carry idempotency keys and count against the write rate limit. */
export const isWrite = (method: string) => WRITE_METHODS.has(method);

/** The largest body a request may carry (413 above it). */
export const MAX_BODY_BYTES = 1024 * 1024;
