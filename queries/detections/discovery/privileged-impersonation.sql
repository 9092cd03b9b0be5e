/*
id: privileged-impersonation
title: Impersonation of a privileged identity
severity: high
mitre: [T1134, T1078]
needs: [metadata]
blind_on:
  gke: GKE's AuditLog entries carry no impersonated user or groups
description: >-
  A request impersonated (`kubectl --as`, Impersonate-* headers) a privileged identity: system:admin,
  control-plane components, kube-system service accounts, nodes, anonymous, the cloud's admin users, or the
  group system:masters. Whoever holds the impersonate right on those is cluster admin in all but name.
false_positives: >-
  Administrators testing permissions with `kubectl --as`. Rare for these identities.
response:
  - Who impersonated whom (summary), what they did as that identity (the evidence's verb and object).
  - Who granted the impersonate right (roles with impersonate - role-with-escalate-bind-impersonate); remove it.
tags: [privilege-escalation, defense-evasion]
parameters:
  identities:
    type: string
    default: "system:admin|system:kube-controller-manager|system:kube-scheduler|system:apiserver|system:anonymous|kubernetes-admin|masterclient|aksService|system:serviceaccount:kube-system:.*|system:node:.*|eks:.*"
    description: regular expression (RE2, whole name) of impersonated users that count as privileged
references: [Elastic Kubernetes user impersonating a privileged identity (GKE), Falco ka.impuser.name]
*/
SELECT cluster, audit_id, event_time,
  kt_who(user_name) || ' as ' || coalesce(impersonated_user, '?') AS group_key,
  kt_who(user_name) || ' impersonated ' || coalesce(impersonated_user, '(no user)')
    || coalesce(' in groups ' || nullif(array_to_string(impersonated_groups, ', '), ''), '') || ' to ' || coalesce(verb, '?') || ' '
    || coalesce(resource || ' ' || kt_target(namespace, name), split_part(coalesce(request_uri, '?'), '?', 1)) AS summary
FROM events
WHERE succeeded
  AND (regexp_full_match(coalesce(impersonated_user, ''), $identities) OR list_contains(coalesce(impersonated_groups, []), 'system:masters'))
