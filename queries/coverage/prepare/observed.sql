-- What the events in each cluster's window show, one row per cluster (zeros when it has none).
-- Requests are counted once whatever the number of stages logged for them.
CREATE OR REPLACE TEMP TABLE kt_cov_observed AS
WITH win AS (
  SELECT e.cluster, e.audit_id, e.verb, e.resource, e.subresource, e.api_group, e.level,
         e.request_object IS NOT NULL AS has_req, e.response_object IS NOT NULL AS has_resp
  FROM audit_events e JOIN kt_cov_clusters c ON c.cluster = e.cluster
  WHERE e.event_time >= c.window_start AND e.event_time <= c.now_at
),
req AS (
  SELECT cluster, audit_id, any_value(verb) AS verb, any_value(resource) AS resource, any_value(level) AS level,
         bool_or(kt_expects_body(verb, resource, subresource, api_group)) AS expects_body,
         bool_or(has_req) AS has_req, bool_or(has_resp) AS has_resp, count(*) AS stages
  FROM win GROUP BY cluster, audit_id
),
per AS (
  SELECT cluster,
         count(*) AS requests,
         sum(stages) AS events,
         count(*) FILTER (WHERE verb IN ('get', 'list')) AS reads,
         count(*) FILTER (WHERE verb = 'watch') AS watches,
         count(*) FILTER (WHERE verb IN ('get', 'list') AND resource = 'secrets') AS secret_reads,
         count(*) FILTER (WHERE expects_body) AS body_writes,
         count(*) FILTER (WHERE expects_body AND has_req) AS body_writes_with_request,
         count(*) FILTER (WHERE expects_body AND has_resp) AS body_writes_with_response
  FROM req GROUP BY cluster
),
levels AS (
  SELECT cluster, to_json(list({'level': level, 'requests': n} ORDER BY n DESC)) AS levels
  FROM (SELECT cluster, coalesce(level, 'not recorded') AS level, count(*) AS n FROM req GROUP BY ALL)
  GROUP BY cluster
),
verbs AS (
  SELECT cluster, to_json(list({'verb': verb, 'requests': n} ORDER BY n DESC)) AS verbs
  FROM (SELECT cluster, coalesce(verb, 'none') AS verb, count(*) AS n FROM req GROUP BY ALL)
  GROUP BY cluster
),
span AS (
  SELECT e.cluster, min(e.event_time) AS first_event, max(e.event_time) AS last_event
  FROM audit_events e JOIN kt_cov_clusters c ON c.cluster = e.cluster AND e.event_time <= c.now_at
  GROUP BY e.cluster
)
SELECT c.cluster,
       coalesce(p.requests, 0) AS requests, coalesce(p.events, 0) AS events, coalesce(p.reads, 0) AS reads,
       coalesce(p.watches, 0) AS watches, coalesce(p.secret_reads, 0) AS secret_reads,
       coalesce(p.body_writes, 0) AS body_writes, coalesce(p.body_writes_with_request, 0) AS body_writes_with_request,
       coalesce(p.body_writes_with_response, 0) AS body_writes_with_response,
       coalesce(l.levels, '[]'::JSON) AS levels, coalesce(v.verbs, '[]'::JSON) AS verbs,
       s.first_event, s.last_event
FROM kt_cov_clusters c
LEFT JOIN per p USING (cluster) LEFT JOIN levels l USING (cluster) LEFT JOIN verbs v USING (cluster) LEFT JOIN span s USING (cluster);
