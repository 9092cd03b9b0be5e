/*
id: serviceaccount-token-created
title: Service-account token minted (TokenRequest)
severity: medium
mitre: [T1528, T1098]
needs: [metadata]
blind_on:
  gke: GKE does not log TokenRequest (serviceaccounts/token create) operations
description: >-
  Someone other than the platform asked the API server for a token of a service account
  (`kubectl create token`, a create on serviceaccounts/token). The token is valid for whatever the
  account can do, for as long as requested, without touching any Secret. Nodes minting tokens for their
  pods, and the control plane, are left out.
false_positives: >-
  CI pipelines and tools that mint short-lived tokens for deployments. Suppress those principals.
response:
  - Who minted a token for which service account (summary), from where.
  - What the service account can do (its bindings), and what was done with its identity afterwards (`FROM timeline('system:serviceaccount:<ns>:<name>')`).
  - If unexplained, delete and recreate the service account to invalidate its tokens.
tags: [credential-access, persistence]
references: [Panther Kubernetes.ServiceAccount.TokenCreated, Elastic Kubernetes service account token created (GKE, AKS)]
*/
SELECT cluster, audit_id, event_time,
  kt_who(user_name) || ' ' || kt_target(namespace, name) AS group_key,
  kt_who(user_name) || ' minted a token for service account ' || kt_target(namespace, name) AS summary
FROM events
WHERE resource = 'serviceaccounts' AND subresource = 'token' AND verb = 'create' AND succeeded AND NOT is_platform
