import { z } from "zod";

/** Who may call from a browser: origins named in CORS_ORIGINS, and whether `*` was given. */
export interface CorsPolicy {
  origins: ReadonlySet<string>;
  anyOriginReads: boolean;
}

/**
 * CORS_ORIGINS: comma-separated origins (`https://app.example.com`: scheme://host[:port]), which
 * may read and write, and/or `*`, which lets every other origin read but not write. Unset or
 * blank: no CORS at all.
 */
export const CorsOriginsSchema = z
  .string()
  .optional()
  .transform((value, ctx): CorsPolicy | undefined => {
    const entries = (value ?? "")
      .split(",")
      .map((e) => e.trim())
      .filter((e) => e.length > 0);
    if (entries.length === 0) return undefined;
    const bad = entries.filter((e) => e !== "*" && !isOrigin(e));
    if (bad.length > 0) {
      ctx.addIssue({
        code: "custom",
        message: `must be "*" or origins like https://app.example.com (scheme://host[:port], no path), comma-separated; not ${bad.join(", ")}`,
      });
      return z.NEVER;
    }
    return { origins: new Set(entries.filter((e) => e !== "*")), anyOriginReads: entries.includes("*") };
  });

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "https:" || url.protocol === "http:") && url.origin === value;
  } catch {
    return false;
  }
}
