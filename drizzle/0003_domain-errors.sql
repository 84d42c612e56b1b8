-- Custom migration (drizzle-kit generate --custom): lets one SQL statement fail a write with a
-- domain error instead of an HTTP status. SQLSTATE UD000 carries the error's code as MESSAGE
-- (e.g. 'not_found', 'unknown_ids', 'version_mismatch') and its facts as DETAIL (JSON: the
-- resource, the ids, the request field at fault). The Worker maps each code to its HTTP answer
-- in one TypeScript table, so SQL knows nothing of HTTP and guards cost no extra round trip.
CREATE FUNCTION raise_domain(code text, facts jsonb DEFAULT '{}'::jsonb) RETURNS integer
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'UD000', MESSAGE = code, DETAIL = facts::text;
END
$$;
--> statement-breakpoint
DROP FUNCTION api_error(integer, text, text);
