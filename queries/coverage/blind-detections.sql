-- id: blind-detections
-- title: Detections can fire
-- kind: observed
-- order: 210
-- label: blind
-- means: >-
--   Which detections of the library cannot fire on this cluster given what it actually logs: each
--   detection names what it needs (metadata, read verbs, request bodies, response bodies) and the providers
--   where it cannot work at all. Detections that fire but miss part of their subject without some data
--   (exec detections without reads: WebSocket exec is a get) are listed as partly blind. A need is judged
--   unmet from the data (the same measures as reads-observed and bodies-observed); provider limits that no setting changes are reported as info, not alarm.
-- thresholds: minReadShare, minBodyShare, minRequests (as reads-observed and bodies-observed)
-- remediation:
--   eks: |-
--     See reads-observed and bodies-observed for the change that gives these detections their data.
--   gke: |-
--     See reads-observed and bodies-observed for the change that gives these detections their data.
--   aks: |-
--     See reads-observed and bodies-observed for the change that gives these detections their data.
--   files: |-
--     See reads-observed and bodies-observed for the change that gives these detections their data.
WITH cap AS (
  -- NULL: too little data to tell (the detection is not counted as blind)
  SELECT c.cluster, c.provider, o.requests,
         o.requests > 0 AS metadata,
         CASE WHEN o.requests >= c.min_requests THEN o.reads / o.requests >= c.min_read_share END AS read_verbs,
         CASE WHEN o.body_writes >= 10 THEN o.body_writes_with_request / o.body_writes >= c.min_body_share END AS request_bodies,
         CASE WHEN o.body_writes >= 10 THEN o.body_writes_with_response / o.body_writes >= c.min_body_share END AS response_bodies
  FROM kt_cov_clusters c JOIN kt_cov_observed o USING (cluster)
),
needs AS (
  SELECT cap.cluster, d.id, d.title, d.severity, json_extract_string(d.blind_on, '$."' || cap.provider || '"') AS inherent, n.need,
         CASE n.need WHEN 'metadata' THEN cap.metadata WHEN 'read-verbs' THEN cap.read_verbs
                     WHEN 'request-bodies' THEN cap.request_bodies WHEN 'response-bodies' THEN cap.response_bodies END AS met
  FROM cap CROSS JOIN kt_cov_detections d
  CROSS JOIN LATERAL (SELECT unnest(CASE WHEN len(d.needs) = 0 THEN ['metadata'] ELSE d.needs END) AS need) n
),
det AS (
  SELECT cluster, id, title, severity, any_value(inherent) AS inherent,
         list(need ORDER BY need) FILTER (WHERE met IS FALSE) AS missing,
         list(need ORDER BY need) FILTER (WHERE met IS NULL) AS undecided
  FROM needs GROUP BY ALL
),
-- Partly blind: fires, but misses part of what it is about (exec over WebSocket is a get: without reads
-- only SPDY exec is seen).
partly AS (
  SELECT cap.cluster, d.id, d.title, d.severity, p.need, json_extract_string(d.partly_needs, '$."' || p.need || '"') AS why
  FROM cap CROSS JOIN kt_cov_detections d
  CROSS JOIN LATERAL (SELECT unnest(json_keys(d.partly_needs)) AS need) p
  WHERE CASE p.need WHEN 'metadata' THEN cap.metadata WHEN 'read-verbs' THEN cap.read_verbs
                    WHEN 'request-bodies' THEN cap.request_bodies WHEN 'response-bodies' THEN cap.response_bodies END IS FALSE
),
part AS (
  SELECT p.cluster,
         list({'id': p.id, 'title': p.title, 'severity': p.severity, 'missing': p.need, 'why': p.why}
              ORDER BY list_position(['critical', 'high', 'medium', 'low', 'info'], p.severity), p.id) AS partly_blind
  FROM partly p JOIN det USING (cluster, id)
  WHERE coalesce(len(det.missing), 0) = 0 AND det.inherent IS NULL
  GROUP BY p.cluster
),
agg AS (
  SELECT cluster, count(*) AS detections,
         list({'id': id, 'title': title, 'severity': severity, 'missing': coalesce(missing, []), 'provider_limit': inherent}
              ORDER BY list_position(['critical', 'high', 'medium', 'low', 'info'], severity), id)
           FILTER (WHERE len(missing) > 0 OR inherent IS NOT NULL) AS blind,
         count(*) FILTER (WHERE len(missing) > 0) AS fixable,
         count(*) FILTER (WHERE inherent IS NOT NULL AND coalesce(len(missing), 0) = 0) AS inherent_only,
         count(*) FILTER (WHERE len(undecided) > 0 AND coalesce(len(missing), 0) = 0 AND inherent IS NULL) AS undecided,
         count(*) FILTER (WHERE list_contains(missing, 'read-verbs')) AS no_reads,
         count(*) FILTER (WHERE list_contains(missing, 'request-bodies') OR list_contains(missing, 'response-bodies')) AS no_bodies
  FROM det GROUP BY cluster
),
j AS (
  SELECT c.cluster, c.provider, c.window_days, cap.requests, cap.read_verbs, cap.request_bodies, cap.response_bodies,
         coalesce(a.detections, 0) AS detections, a.blind, coalesce(a.fixable, 0) AS fixable, coalesce(a.inherent_only, 0) AS inherent_only,
         coalesce(a.undecided, 0) AS undecided, coalesce(a.no_reads, 0) AS no_reads, coalesce(a.no_bodies, 0) AS no_bodies,
         coalesce(pt.partly_blind, []) AS partly_blind, coalesce(len(pt.partly_blind), 0) AS partial
  FROM kt_cov_clusters c JOIN cap USING (cluster) LEFT JOIN agg a USING (cluster) LEFT JOIN part pt USING (cluster)
)
SELECT j.cluster,
  CASE WHEN detections = 0 OR requests = 0 THEN 'info' WHEN fixable > 0 OR partial > 0 THEN 'alarm' WHEN inherent_only > 0 THEN 'info' ELSE 'ok' END AS status,
  CASE
    WHEN detections = 0 THEN 'No detection library is loaded, so there is nothing to judge.'
    WHEN requests = 0 THEN 'No events in the last ' || kt_days(window_days) || ': every detection is blind (see events-present).'
    WHEN fixable > 0 THEN kt_n(fixable) || ' of ' || kt_n(detections) || ' detections cannot fire here because '
      || concat_ws(' and ', CASE WHEN no_reads > 0 THEN 'reads are not logged (' || kt_n(no_reads) || ')' END,
                            CASE WHEN no_bodies > 0 THEN 'bodies are missing (' || kt_n(no_bodies) || ')' END) || ': '
      || array_to_string(list_transform(list_filter(blind, lambda b: len(b.missing) > 0)[1:5], lambda b: b.title || ' (' || b.severity || ')'), ', ')
      || CASE WHEN fixable > 5 THEN ' and ' || kt_n(fixable - 5) || ' more' ELSE '' END || '.'
      || CASE WHEN inherent_only > 0 THEN ' ' || kt_n(inherent_only) || ' more cannot work on ' || upper(provider) || ' at all.' ELSE '' END
    WHEN inherent_only > 0 THEN kt_n(inherent_only) || ' of ' || kt_n(detections) || ' detections cannot work on ' || upper(provider) || ' whatever the settings: '
      || array_to_string(list_transform(blind[1:5], lambda b: b.title || ' (' || b.provider_limit || ')'), ', ') || '.'
    WHEN partial > 0 THEN 'Every detection can fire, but ' || kt_n(partial) || ' of ' || kt_n(detections) || ' see only part of what they are about.'
    ELSE 'All ' || kt_n(detections) || ' detections have the data they need'
      || CASE WHEN undecided > 0 THEN ' (' || kt_n(undecided) || ' could not be judged: too little traffic of the kind they need).' ELSE '.' END
  END
  || CASE WHEN partial > 0 AND detections > 0 AND requests > 0 THEN ' Partly blind: '
      || array_to_string(list_distinct(list_transform(partly_blind, lambda b: b.why)), '; ') || ' ('
      || array_to_string(list_transform(partly_blind[1:5], lambda b: b.title), ', ')
      || CASE WHEN partial > 5 THEN ' and ' || kt_n(partial - 5) || ' more' ELSE '' END || ').' ELSE '' END AS reason,
  CAST(json_object('detections', detections, 'blind', coalesce(blind, []), 'partly_blind', partly_blind,
    'observed', json_object('read_verbs', read_verbs, 'request_bodies', request_bodies, 'response_bodies', response_bodies)) AS JSON) AS evidence,
  CASE WHEN fixable > 0 OR partial > 0 THEN concat_ws(chr(10),
    CASE WHEN no_reads > 0 OR list_contains(list_transform(partly_blind, lambda b: b.missing), 'read-verbs')
         THEN (SELECT text FROM kt_cov_remedies r WHERE r.cluster = j.cluster AND r.check_id = 'reads-observed') END,
    CASE WHEN no_bodies > 0 OR list_has_any(list_transform(partly_blind, lambda b: b.missing), ['request-bodies', 'response-bodies'])
         THEN (SELECT text FROM kt_cov_remedies r WHERE r.cluster = j.cluster AND r.check_id = 'bodies-observed') END) END AS remediation
FROM j
