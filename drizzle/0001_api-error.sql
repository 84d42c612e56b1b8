-- Custom migration (drizzle-kit generate --custom): lets one SQL statement fail a write with
-- an API status. SQLSTATE 'UA' || status is mapped to that HTTP status by the Worker, and the
-- hint names the request field at fault, so a guard ("order 7 does not exist", "unknown
-- product ids") costs no extra round trip.
CREATE FUNCTION api_error(status integer, detail text, field text DEFAULT NULL) RETURNS integer
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'UA' || lpad(status::text, 3, '0'), MESSAGE = detail, HINT = coalesce(field, '');
END
$$;
