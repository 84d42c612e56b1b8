/**
 * The Neon endpoint answered, but not as Postgres: a rate limit, a refused credential, a gateway's
 * HTML page, a JSON body without a SQLSTATE. Nothing says what the database did, or that it was
 * reached at all, so a read cannot be served and a write's outcome is unknown.
 */
export class NotPostgresAnswerError extends Error {
  override readonly name = "NotPostgresAnswerError";
}

/** A SQLSTATE: five digits or capitals. Neon's own errors carry `code: ""`. */
export const isSqlstate = (code: unknown): code is string => typeof code === "string" && /^[0-9A-Z]{5}$/.test(code);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const isResult = (v: unknown) => isObject(v) && Array.isArray(v.fields) && Array.isArray(v.rows);

function notPostgres(res: Response, what: string): NotPostgresAnswerError {
  const type = res.headers.get("Content-Type") ?? "no content type";
  // Only the status and the kind of body: a gateway's body could echo the request's headers,
  // and the connection string (with its password) is one of them.
  return new NotPostgresAnswerError(`The database endpoint answered HTTP ${res.status} (${type}) with ${what}`);
}

/**
 * A Neon answer whose `json()` (the only reader the driver uses for a 2xx or a 400) lets through
 * just what Postgres says: a result of the shape asked for, or an error with a SQLSTATE. The body
 * is parsed once, as the driver would have parsed it.
 */
class PostgresAnswer extends Response {
  readonly #batch: boolean;

  constructor(res: Response, batch: boolean) {
    super(res.body, res);
    this.#batch = batch;
  }

  // Generic only because Response.json is; the driver reads the value as Neon's JSON.
  override async json<T>(): Promise<T> {
    // A deadline passing while the body streams in is thrown as it is: a time-out, not a bad answer.
    const text = await this.text();
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw notPostgres(this, "a body that is not JSON");
    }
    if (this.ok) {
      const fits = this.#batch
        ? isObject(value) && Array.isArray(value.results) && value.results.every(isResult)
        : isResult(value);
      if (fits) return value as T;
      throw notPostgres(this, "JSON that is not a query result");
    }
    if (isObject(value) && isSqlstate(value.code)) return value as T;
    throw notPostgres(this, "JSON without a SQLSTATE");
  }
}

/**
 * Lets through an answer the driver can read as Postgres's, and throws NotPostgresAnswerError for
 * any other: the driver reads a body only for a 2xx (a result) and a 400 (a Postgres error).
 * `body` is the request's, which tells a batch (`{"queries":…}`, as the driver writes it) from a
 * single query.
 */
export async function postgresAnswer(res: Response, body: unknown): Promise<Response> {
  if (!res.ok && res.status !== 400) {
    await res.body?.cancel();
    throw notPostgres(res, "a status Postgres errors never have");
  }
  return new PostgresAnswer(res, typeof body === "string" && body.startsWith('{"queries":'));
}
