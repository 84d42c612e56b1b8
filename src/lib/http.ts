const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Writes need a key, carry idempotency keys and count against the write rate limit. */
export const isWrite = (method: string) => WRITE_METHODS.has(method);
