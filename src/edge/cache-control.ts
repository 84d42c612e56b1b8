/**
 * What a request's Cache-Control (RFC 9111 §5.2.1) lets the edge serve: `max-stale=N` accepts a
 * stored answer up to N seconds old (a bare `max-stale`, any the edge still keeps); `no-cache`
 * (or `max-age=0`) asks for the origin's answer whatever else it says.
 */
export interface StaleTolerance {
  /** Seconds of age the client accepts; undefined when it accepts none. */
  maxStaleSeconds: number | undefined;
}

export function staleTolerance(header: string | undefined, keptSeconds: number): StaleTolerance {
  let maxStale: number | undefined;
  let refuse = false;
  for (const directive of (header ?? "").split(",")) {
    const [rawName = "", rawValue] = directive.split("=", 2);
    const name = rawName.trim().toLowerCase();
    const value = rawValue?.trim().replace(/^"(.*)"$/, "$1");
    if (name === "no-cache" || name === "no-store" || (name === "max-age" && value === "0")) refuse = true;
    if (name === "max-stale") {
      if (value === undefined) maxStale = keptSeconds;
      else if (/^\d{1,9}$/.test(value)) maxStale = Number(value);
    }
  }
  return { maxStaleSeconds: refuse ? undefined : maxStale };
}
