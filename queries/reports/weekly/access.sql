-- Per cluster over the period: requests (once per audit id), reads, audit levels and body coverage.
WITH req AS (
  SELECT e.cluster, e.audit_id, any_value(e.verb) AS verb, coalesce(any_value(e.level), 'not recorded') AS level,
         bool_or(kt_expects_body(e.verb, e.resource, e.subresource, e.api_group)) AS expects_body,
         bool_or(e.request_object IS NOT NULL) AS has_req, bool_or(e.response_object IS NOT NULL) AS has_resp, count(*) AS stages
  FROM audit_events e JOIN kt_rep_clusters USING (cluster)
  WHERE e.event_time >= CAST($since AS TIMESTAMPTZ) AND e.event_time <= CAST($until AS TIMESTAMPTZ)
  GROUP BY e.cluster, e.audit_id
),
levels AS (
  SELECT cluster, list({'level': level, 'requests': n} ORDER BY n DESC, level) AS levels
  FROM (SELECT cluster, level, count(*) AS n FROM req GROUP BY ALL) GROUP BY cluster
)
SELECT r.cluster, sum(r.stages) AS events, count(*) AS requests,
       count(*) FILTER (WHERE r.verb IN ('get', 'list')) AS reads,
       count(*) FILTER (WHERE r.verb = 'watch') AS watches,
       count(*) FILTER (WHERE r.expects_body) AS body_writes,
       count(*) FILTER (WHERE r.expects_body AND r.has_req) AS with_request_body,
       count(*) FILTER (WHERE r.expects_body AND r.has_resp) AS with_response_body,
       any_value(l.levels) AS levels
FROM req r JOIN levels l USING (cluster)
GROUP BY r.cluster
