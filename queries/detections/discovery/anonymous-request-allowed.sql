/*
id: anonymous-request-allowed
title: Anonymous request allowed
severity: medium
mitre: [T1078.001, T1190]
needs: [metadata]
description: >-
  An unauthenticated request (system:anonymous or the system:unauthenticated group) succeeded on something
  other than the endpoints that are public by design (`public_paths`: health, version, service-account
  issuer discovery). Anonymous access that reaches the API at all means a binding grants it rights; scanners
  find such clusters within hours. Grouped per source address.
false_positives: >-
  Deliberately public endpoints added by an add-on (metrics adapters' discovery). Add them to public_paths.
response:
  - What was reached and from where (summary, source_ips, user_agent).
  - The binding that grants anonymous rights (anonymous-granted-permissions; `kubectl get clusterrolebindings -o wide | grep -E 'anonymous|unauthenticated'`).
  - Remove it; disable anonymous authentication where the platform allows.
tags: [initial-access, discovery]
parameters:
  public_paths:
    type: string
    default: "/(healthz|livez|readyz)(/.*)?|/version/?|/\\.well-known/openid-configuration|/openid/v1/jwks"
    description: regular expression (RE2) for request paths anonymous users may reach (matched against the path without the query)
references: [Falco Anonymous Request Allowed, Panther Kubernetes.API.AnonymousAccess and Amazon.EKS.AnonymousAPIAccess, Elastic, GuardDuty SuccessfulAnonymousAccess]
*/
SELECT cluster, audit_id, event_time,
  coalesce(public_ips[1], source_ips[1], '?') AS group_key,
  'anonymous ' || coalesce(verb, '?') || ' ' || split_part(coalesce(request_uri, '?'), '?', 1) || ' from '
    || coalesce(array_to_string(source_ips, ', '), '?') || ' was allowed' || coalesce(' (' || user_agent || ')', '') AS summary
FROM events
WHERE is_anonymous AND succeeded
  AND NOT regexp_full_match(split_part(coalesce(request_uri, ''), '?', 1), $public_paths)
