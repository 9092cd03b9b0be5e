/*
id: secret-access-denied
title: Secret read denied
severity: low
mitre: [T1552.007, T1613]
needs: [metadata, read-verbs]
dedup: 7d
description: >-
  A get, list or watch of Secrets was refused by authorization (decision forbid, or 401/403). Someone is
  trying credentials or probing what a stolen identity can read. One finding per principal per week: a
  principal refused the same secret all week is one thing to look at, not seven. The platform's own
  identities (nodes asking for secrets of pods they do not run yet, controllers, from inside the cluster)
  are left out, and so are anonymous requests: every API endpoint on the internet is asked for its secrets
  by scanners all day, and refusing them is the system working (anonymous requests that succeed are
  anonymous-request-allowed; a burst of refusals from one address is unauthorized-burst). Reads are only
  logged where they are (not with AKS kube-audit-admin, not on GKE without Data Access logs).
false_positives: >-
  Misconfigured applications missing a Role, in a retry loop (one finding per week per principal); people
  trying a secret their role does not cover.
response:
  - Which principal asked for which secrets (summary), from where and with what client.
  - Other denied requests by the same principal (unauthorized-burst, permission-enumeration findings).
  - If the principal is a workload's service account, check the workload; if it is a person, ask.
tags: [credential-access, discovery]
references: [Falco K8s Secret Get Unsuccessfully Tried, Panther Kubernetes.Secret.AccessDenied, Elastic]
*/
SELECT cluster, audit_id, event_time,
  kt_who(user_name) AS group_key,
  kt_who(user_name) || ' was denied ' || verb || ' on secret(s) ' || kt_target(namespace, name) AS summary
FROM events
WHERE resource = 'secrets' AND verb IN ('get', 'list', 'watch') AND denied AND NOT is_platform AND NOT is_anonymous
