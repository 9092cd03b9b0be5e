/*
id: serviceaccount-token-created
title: Service-account token minted (TokenRequest)
severity: medium
mitre: [T1528, T1098]
needs: [metadata]
blind_on:
  gke: GKE does not log TokenRequest (serviceaccounts/token create) operations
window: window
description: >-
  Someone other than the platform asked the API server for a token of a service account
  (`kubectl create token`, a create on serviceaccounts/token). The token is valid for whatever the
  account can do, for as long as requested, without touching any Secret. Nodes minting tokens for their
  pods, and the control plane from inside the cluster, are left out - except for a service account created
  less than `window` before: an account made and given a token at once is how a foothold becomes a lasting
  identity, and the platform does not do it (kubelets mint for the pods that run as an account, and are
  still left out).
false_positives: >-
  CI pipelines and tools that mint short-lived tokens for deployments. Suppress those principals.
response:
  - Who minted a token for which service account (summary), from where.
  - What the service account can do (its bindings), and what was done with its identity afterwards (`FROM timeline('system:serviceaccount:<ns>:<name>')`).
  - If unexplained, delete and recreate the service account to invalidate its tokens.
tags: [credential-access, persistence]
parameters:
  window:
    type: duration
    default: 1h
    description: a token minted this soon after the account was created is reported whoever minted it (nodes excepted)
references: [Panther Kubernetes.ServiceAccount.TokenCreated, Elastic Kubernetes service account token created (GKE, AKS)]
*/
WITH minted AS (
  SELECT cluster, audit_id, event_time, user_name, namespace, name, is_platform
  FROM events
  WHERE resource = 'serviceaccounts' AND subresource = 'token' AND verb = 'create' AND succeeded
),
-- tokens for an account created shortly before (scope: the creation can be in an earlier run)
fresh AS (
  SELECT m.audit_id, m.cluster, max(c.event_time) AS created_at
  FROM minted m JOIN scope c ON c.cluster = m.cluster AND c.namespace = m.namespace AND c.object_name = m.name
  WHERE c.resource = 'serviceaccounts' AND c.subresource IS NULL AND c.verb = 'create' AND c.succeeded
    AND c.event_time <= m.event_time AND c.event_time >= m.event_time - $window
  GROUP BY ALL
)
SELECT m.cluster, m.audit_id, m.event_time,
  kt_who(m.user_name) || ' ' || kt_target(m.namespace, m.name) AS group_key,
  kt_who(m.user_name) || ' minted a token for service account ' || kt_target(m.namespace, m.name)
    || CASE WHEN f.created_at IS NOT NULL THEN ', created ' || kt_duration(date_trunc('second', m.event_time) - date_trunc('second', f.created_at)) || ' before' ELSE '' END AS summary
FROM minted m LEFT JOIN fresh f ON f.cluster = m.cluster AND f.audit_id = m.audit_id
WHERE NOT m.is_platform OR (f.created_at IS NOT NULL AND NOT starts_with(coalesce(m.user_name, ''), 'system:node:'))
