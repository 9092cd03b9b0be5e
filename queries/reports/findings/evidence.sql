-- For each finding in the period: who, from where, with what client, and the first events as samples
-- (one row per request, its most complete stage).
WITH f AS (
  SELECT detection_id, cluster, fingerprint, first_seen, last_seen, unnest(audit_ids) AS audit_id
  FROM findings
  WHERE last_seen >= CAST($since AS TIMESTAMPTZ) AND first_seen <= CAST($until AS TIMESTAMPTZ)
),
ev AS (
  SELECT f.detection_id, f.cluster, f.fingerprint, e.audit_id, e.event_time, e.user_name, e.impersonated_user, e.user_extra,
         e.verb, e.resource, e.subresource, e.namespace, e.name, e.source_ips, e.user_agent, e.response_code, e.request_uri
  FROM f JOIN audit_events e ON e.cluster = f.cluster AND e.audit_id = f.audit_id
  WHERE e.event_time BETWEEN f.first_seen - INTERVAL 1 DAY AND f.last_seen + INTERVAL 1 DAY
  QUALIFY row_number() OVER (
    PARTITION BY f.detection_id, f.cluster, f.fingerprint, e.audit_id
    ORDER BY CASE e.stage WHEN 'ResponseComplete' THEN 4 WHEN 'Panic' THEN 3 WHEN 'ResponseStarted' THEN 2 WHEN 'RequestReceived' THEN 1 ELSE 0 END DESC
  ) = 1
),
who AS (
  SELECT *, user_name || coalesce(' as ' || impersonated_user, '') || coalesce(' (' || json_extract_string(user_extra, '$.arn[0]') || ')', '') AS principal
  FROM ev
),
ips AS (
  SELECT detection_id, cluster, fingerprint, list(DISTINCT ip ORDER BY ip)[1:10] AS source_ips
  FROM (SELECT detection_id, cluster, fingerprint, unnest(source_ips) AS ip FROM ev)
  GROUP BY ALL
),
agg AS (
  SELECT detection_id, cluster, fingerprint,
         list(DISTINCT principal ORDER BY principal) FILTER (WHERE principal IS NOT NULL)[1:10] AS principals,
         list(DISTINCT user_agent ORDER BY user_agent) FILTER (WHERE user_agent IS NOT NULL)[1:5] AS user_agents,
         list({'auditId': audit_id, 'eventTime': kt_iso(event_time), 'user': user_name, 'verb': verb, 'resource': resource,
               'subresource': subresource, 'namespace': namespace, 'name': name, 'sourceIps': coalesce(source_ips, []),
               'userAgent': user_agent, 'responseCode': response_code, 'requestUri': request_uri} ORDER BY event_time, audit_id)[1:5] AS samples
  FROM who
  GROUP BY ALL
)
SELECT a.detection_id, a.cluster, a.fingerprint, coalesce(a.principals, []) AS principals, coalesce(i.source_ips, []) AS source_ips,
       coalesce(a.user_agents, []) AS user_agents, a.samples
FROM agg a LEFT JOIN ips i USING (detection_id, cluster, fingerprint)
