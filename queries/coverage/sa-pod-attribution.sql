-- id: sa-pod-attribution
-- title: Service-account requests name their pod
-- kind: observed
-- order: 190
-- label: SA pods
-- means: >-
--   Service-account requests whose token names the pod it was issued to (user.extra
--   authentication.kubernetes.io/pod-name, set for bound projected tokens). Requests without it come from
--   long-lived token Secrets or tokens minted by hand, so a token stolen from a pod and used from a laptop
--   looks just like the pod. Controller-manager accounts in kube-system, whose tokens are never bound to a
--   pod, are left out. GKE's audit entries carry no user.extra, so it is not judged there.
-- thresholds: minPodAttribution (default 0.9), minRequests (default 50), podAttributionExclude
-- remediation:
--   eks: |-
--     Use bound, projected tokens only: find long-lived token Secrets (kubectl get secrets -A --field-selector type=kubernetes.io/service-account-token) and delete them; give CI short-lived tokens (kubectl create token <sa> --duration=1h) or EKS Pod Identity / IRSA.
--   gke: |-
--     GKE's entries carry no user.extra; use Workload Identity Federation and delete long-lived token Secrets (kubectl get secrets -A --field-selector type=kubernetes.io/service-account-token).
--   aks: |-
--     Use bound, projected tokens only: delete long-lived token Secrets (kubectl get secrets -A --field-selector type=kubernetes.io/service-account-token); give CI short-lived tokens (kubectl create token <sa> --duration=1h) or Microsoft Entra Workload ID.
--   files: |-
--     Use bound, projected tokens only (the default since Kubernetes 1.22): delete long-lived token Secrets (kubectl get secrets -A --field-selector type=kubernetes.io/service-account-token) and hand CI short-lived tokens (kubectl create token <sa> --duration=1h).
WITH sa AS (
  SELECT e.cluster, e.user_name, count(DISTINCT e.audit_id) AS requests,
         count(DISTINCT e.audit_id) FILTER (WHERE json_exists(e.user_extra, '$."authentication.kubernetes.io/pod-name"')) AS with_pod
  FROM audit_events e JOIN kt_cov_clusters c USING (cluster)
  WHERE e.event_time >= c.window_start AND e.event_time <= c.now_at
    AND starts_with(e.user_name, 'system:serviceaccount:')
  GROUP BY e.cluster, e.user_name
),
-- the exclusions are patterns: match them once per account, not once per event
per_sa AS (
  SELECT sa.* FROM sa JOIN kt_cov_clusters c USING (cluster)
  WHERE NOT list_bool_or(list_transform(c.sa_exclude_re, lambda r: regexp_full_match(sa.user_name, r)))
),
agg AS (
  SELECT cluster, sum(requests) AS requests, sum(with_pod) AS with_pod,
         list({'service_account': user_name, 'requests': requests, 'without_pod': requests - with_pod} ORDER BY requests - with_pod DESC, user_name)
           FILTER (WHERE requests > with_pod)[1:10] AS unattributed
  FROM per_sa GROUP BY cluster
),
j AS (
  SELECT c.cluster, c.provider, c.window_days, c.min_pod_attribution, c.min_requests, o.requests AS all_requests,
         coalesce(a.requests, 0) AS requests, coalesce(a.with_pod, 0) AS with_pod, a.unattributed,
         a.with_pod / nullif(a.requests, 0) AS share
  FROM kt_cov_clusters c JOIN kt_cov_observed o USING (cluster) LEFT JOIN agg a USING (cluster)
)
SELECT cluster,
  CASE
    WHEN all_requests = 0 OR provider = 'gke' OR requests < min_requests THEN 'info'
    WHEN share < min_pod_attribution THEN 'alarm'
    ELSE 'ok'
  END AS status,
  CASE
    WHEN all_requests = 0 THEN 'No events in the last ' || kt_days(window_days) || ' (see events-present).'
    WHEN provider = 'gke' THEN 'GKE''s audit entries carry no user.extra, so the pod behind a service-account token cannot be seen.'
    WHEN requests < min_requests THEN 'Only ' || kt_n(requests) || ' service-account requests in the last ' || kt_days(window_days) || ': too few to judge (from ' || min_requests || ').'
    WHEN share < min_pod_attribution THEN 'Only ' || kt_pct(share) || ' of ' || kt_n(requests) || ' service-account requests name their pod: a token used outside its pod looks the same as the pod. Most without: '
      || array_to_string(list_transform(unattributed[1:3], lambda u: u.service_account || ' (' || kt_n(u.without_pod) || ')'), ', ') || '.'
    ELSE kt_pct(share) || ' of ' || kt_n(requests) || ' service-account requests name their pod.'
  END AS reason,
  CAST(json_object('requests', requests, 'with_pod', with_pod, 'share', share, 'unattributed', unattributed) AS JSON) AS evidence,
  NULL AS remediation
FROM j
