-- id: bodies-observed
-- title: Writes carry their bodies
-- kind: observed
-- order: 160
-- label: bodies
-- means: >-
--   Of the writes that every provider's policy logs with their request body (create, update and patch of
--   workloads, RBAC, services, webhooks, CRDs and leases; not secrets, configmaps, service-account tokens
--   or events, which stay at Metadata), the share that carries it. Without bodies a pod's securityContext,
--   a role's rules or a binding's subjects are not in the log, and every detection that reads them is blind.
--   Metadata-level policies (common on self-hosted clusters to save space) look like this.
-- thresholds: minBodyShare (default 0.8), at least 10 such writes, window (default 7d)
-- remediation:
--   eks: |-
--     EKS's policy keeps these bodies: records without them were trimmed on the way (a forwarder or subscription filter that drops requestObject); pull the log group directly.
--   gke: |-
--     GKE's policy keeps these bodies in protoPayload.request: entries without them were trimmed by a sink or an export; pull Cloud Logging directly.
--   aks: |-
--     AKS's policy keeps these bodies: records without them were trimmed on the way (an Event Hub consumer or export); read the workspace directly.
--   files: |-
--     Log writes with their bodies in the audit policy (keep secrets at Metadata):
--       - level: Metadata
--         resources: [{group: "", resources: ["secrets", "configmaps", "serviceaccounts/token"]}, {group: "authentication.k8s.io", resources: ["tokenreviews"]}]
--       - level: Request
--         verbs: ["get", "list", "watch"]
--       - level: RequestResponse
--         verbs: ["create", "update", "patch", "delete", "deletecollection"]
WITH j AS (
  SELECT c.cluster, c.window_days, c.min_body_share, o.requests, o.body_writes, o.body_writes_with_request AS with_req,
         o.body_writes_with_response AS with_resp, o.levels,
         o.body_writes_with_request / nullif(o.body_writes, 0) AS share,
         o.body_writes_with_response / nullif(o.body_writes, 0) AS resp_share
  FROM kt_cov_clusters c JOIN kt_cov_observed o USING (cluster)
)
SELECT cluster,
  CASE WHEN requests = 0 OR body_writes < 10 THEN 'info' WHEN share < min_body_share THEN 'alarm' ELSE 'ok' END AS status,
  CASE
    WHEN requests = 0 THEN 'No events in the last ' || kt_days(window_days) || ' (see events-present).'
    WHEN body_writes < 10 THEN 'Only ' || kt_n(body_writes) || ' writes that should carry a body in the last ' || kt_days(window_days) || ': too few to judge (from 10).'
    WHEN share < min_body_share THEN 'Only ' || kt_pct(share) || ' of ' || kt_n(body_writes) || ' writes that should carry their request body do (audit levels seen: '
      || array_to_string(list_transform(CAST(levels AS JSON[])[1:3], lambda l: json_extract_string(l, '$.level') || ' in ' || kt_n(CAST(json_extract(l, '$.requests') AS BIGINT))), ', ')
      || '): pod specs, role rules and binding subjects are not in the log, so detections that read them are blind.'
    ELSE kt_pct(share) || ' of ' || kt_n(body_writes) || ' writes that should carry their request body do; ' || kt_pct(resp_share) || ' carry the response.'
  END AS reason,
  CAST(json_object('body_writes', body_writes, 'with_request_body', with_req, 'with_response_body', with_resp,
    'request_body_share', share, 'response_body_share', resp_share, 'levels', levels) AS JSON) AS evidence,
  NULL AS remediation
FROM j
