-- One row per API request: the most complete stage of each (cluster, audit_id).
-- Long-running requests (watch, exec) log ResponseStarted and ResponseComplete; most logs omit RequestReceived.
CREATE OR REPLACE VIEW requests AS
SELECT *
FROM audit_events
QUALIFY row_number() OVER (
  PARTITION BY cluster, audit_id
  ORDER BY CASE stage WHEN 'ResponseComplete' THEN 4 WHEN 'Panic' THEN 3 WHEN 'ResponseStarted' THEN 2 WHEN 'RequestReceived' THEN 1 ELSE 0 END DESC
) = 1;
