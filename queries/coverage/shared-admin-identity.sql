-- id: shared-admin-identity
-- title: No shared admin identities
-- kind: observed
-- order: 200
-- label: shared admin
-- means: >-
--   Requests by identities no person can be tied to: kubeadm's kubernetes-admin, AKS's masterclient (the
--   local admin kubeconfig), other certificates in system:masters. Whoever holds such a credential acts as
--   cluster-admin without a name in the log, and a certificate cannot be revoked short of rotating the CA.
--   On EKS a mapped user with its IAM session (user.extra arn, sessionName) is attributable and not counted.
-- thresholds: sharedUsers, sharedGroups, sharedExclude (the API server's own loopback client), window (default 7d)
-- remediation:
--   eks: |-
--     Give every person an IAM principal through access entries (aws eks create-access-entry --region {{region}} --cluster-name {{eksCluster}} --principal-arn <role-arn>; aws eks associate-access-policy --region {{region}} --cluster-name {{eksCluster}} --principal-arn <role-arn> --policy-arn arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy --access-scope type=cluster) and retire the shared credential.
--   gke: |-
--     Use Google identities only: rotate the cluster credentials to void shared certificates (gcloud container clusters update {{gkeCluster}} --location={{location}} --start-credential-rotation) and create clusters with --no-issue-client-certificate.
--   aks: |-
--     Turn off local accounts so masterclient stops working, and sign in with Microsoft Entra ID: az aks update --resource-group {{resourceGroup}} --name {{aksName}} --disable-local-accounts ; then void leaked admin kubeconfigs: az aks rotate-certs --resource-group {{resourceGroup}} --name {{aksName}}
--   files: |-
--     Give each person an identity (OIDC: --oidc-issuer-url/--oidc-client-id, or per-person certificates: kubeadm kubeconfig user --client-name=<person>) and lock admin.conf/super-admin.conf in a break-glass vault.
WITH s AS (
  SELECT e.cluster, e.user_name, e.audit_id, e.source_ips, e.user_agent, e.event_time
  FROM audit_events e JOIN kt_cov_clusters c USING (cluster)
  WHERE e.event_time >= c.window_start AND e.event_time <= c.now_at
    AND (list_contains(c.shared_users, e.user_name) OR list_has_any(coalesce(e.user_groups, []), c.shared_groups))
    AND NOT list_contains(c.shared_exclude, e.user_name)
    -- an IAM session (EKS) names the person behind a mapped user
    AND json_extract(e.user_extra, '$.arn') IS NULL AND json_extract(e.user_extra, '$.canonicalArn') IS NULL
    AND json_extract(e.user_extra, '$.sessionName') IS NULL
),
ips AS (SELECT cluster, user_name, list(DISTINCT ip ORDER BY ip)[1:5] AS addresses, count(DISTINCT ip) AS n_addresses
        FROM (SELECT cluster, user_name, unnest(source_ips) AS ip FROM s) GROUP BY ALL),
uas AS (SELECT cluster, user_name, list(user_agent ORDER BY n DESC, user_agent)[1:3] AS user_agents
        FROM (SELECT cluster, user_name, user_agent, count(*) AS n FROM s WHERE user_agent IS NOT NULL GROUP BY ALL) GROUP BY ALL),
per AS (
  SELECT s.cluster, s.user_name, count(DISTINCT s.audit_id) AS requests, kt_iso(min(s.event_time)) AS first_seen, kt_iso(max(s.event_time)) AS last_seen
  FROM s GROUP BY ALL
),
agg AS (
  SELECT p.cluster, sum(p.requests) AS requests,
         list({'user': p.user_name, 'requests': p.requests, 'addresses': i.addresses, 'address_count': coalesce(i.n_addresses, 0),
               'user_agents': u.user_agents, 'first_seen': p.first_seen, 'last_seen': p.last_seen} ORDER BY p.requests DESC, p.user_name) AS identities
  FROM per p LEFT JOIN ips i USING (cluster, user_name) LEFT JOIN uas u USING (cluster, user_name)
  GROUP BY p.cluster
)
SELECT c.cluster,
  CASE WHEN a.requests > 0 THEN 'alarm' WHEN o.requests = 0 THEN 'info' ELSE 'ok' END AS status,
  CASE
    WHEN a.requests > 0 THEN kt_n(a.requests) || ' requests in the last ' || kt_days(c.window_days) || ' came from identities no person can be tied to: '
      || array_to_string(list_transform(a.identities[1:3], lambda i: i.user || ' (' || kt_n(i.requests) || ' requests from ' || kt_n(i.address_count) || ' address'
           || CASE WHEN i.address_count = 1 THEN '' ELSE 'es' END || ')'), ', ')
      || '. Whoever holds these credentials acts as cluster-admin without a name in the log.'
    WHEN o.requests = 0 THEN 'No events in the last ' || kt_days(c.window_days) || ' (see events-present).'
    ELSE 'No request in the last ' || kt_days(c.window_days) || ' came from a shared admin identity (' || array_to_string(c.shared_users, ', ') || ', groups ' || array_to_string(c.shared_groups, ', ') || ').'
  END AS reason,
  CAST(json_object('requests', coalesce(a.requests, 0), 'identities', a.identities) AS JSON) AS evidence,
  NULL AS remediation
FROM kt_cov_clusters c JOIN kt_cov_observed o USING (cluster) LEFT JOIN agg a USING (cluster)
