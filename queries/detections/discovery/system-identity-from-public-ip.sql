/*
id: system-identity-from-public-ip
title: System identity used from a public address
severity: high
mitre: [T1078.004, T1528]
needs: [metadata]
dedup: 7d
description: >-
  A service account, a node, or a control-plane or cloud-managed identity (system:*, eks:*, gke-*, the
  Google service agents, aksService, azure-*) made a successful request from an address on the internet that
  is not in `trusted_cidrs` and that the cluster's nodes do not call from (two nodes or more from one
  address: the NAT gateway or outbound load balancer of a public API endpoint, learnt from the data). These
  identities live inside the cluster's network; from outside they are a token or certificate that left it. Every address of the request counts (forwarded-for entries included).
  AKS's masterclient is left out: it is the local admin kubeconfig people use from their own addresses (the
  shared-admin-identity coverage check reports it). One finding per identity and address per week: the
  first use is the alert, the rest is its evidence. Set trusted_cidrs to the cluster's egress addresses
  (NAT gateways) where the nodes' own traffic does not show them (single-node clusters, pods egressing
  elsewhere); the same list, and the nodes' addresses, are where every other detection keeps exempting
  the platform's identities (anywhere else, a kube-system service account is judged like anyone else).
false_positives: >-
  Nodes and pods reaching a public API endpoint through NAT, CI runners or a GitOps controller on another
  cluster using a service account. Put those addresses in trusted_cidrs.
response:
  - Which identity from which address (summary); whether the address is yours (cloud provider ranges, your NAT).
  - Everything that identity did from there (`FROM from_address('<ip>')`).
  - If foreign, rotate the identity (recreate the service account, rotate node credentials) and find how the token leaked.
tags: [initial-access, credential-access, configuration-required]
parameters:
  trusted_cidrs:
    type: cidrs
    default: []
    description: address ranges the cluster's own identities may come from (NAT gateways, egress IPs); also where every detection keeps exempting the platform's identities
references: [Panther Kubernetes.System.Principal.PublicIP and Amazon.EKS.Audit.SystemNamespaceFromPublicIP]
*/
WITH candidates AS (
  SELECT cluster, audit_id, event_time, user_name, verb, resource, namespace, name, request_uri, public_ips
  FROM events
  WHERE succeeded AND NOT is_anonymous
    AND (starts_with(user_name, 'system:serviceaccount:') OR starts_with(user_name, 'system:node:') OR platform_identity)
    AND user_name <> 'masterclient'
    AND len(public_ips) > 0
),
addresses AS (
  SELECT *, unnest(public_ips) AS ip FROM candidates
),
-- the address's bits once per address, not once per trusted range
bits AS (
  SELECT *, CASE WHEN len($trusted_cidrs) > 0 THEN kt_ip_bits(ip) END AS ip_bits FROM addresses
),
foreign_addresses AS (
  SELECT * FROM bits b
  WHERE (len($trusted_cidrs) = 0 OR NOT kt_ip_in(ip_bits, $trusted_cidrs))
    AND NOT EXISTS (SELECT 1 FROM cluster_addresses c WHERE c.cluster = b.cluster AND c.ip = b.ip)
)
SELECT cluster, audit_id, event_time,
  kt_who(user_name) || ' ' || ip AS group_key,
  kt_who(user_name) || ' used from ' || ip || ' (' || coalesce(verb, '?') || ' '
    || coalesce(resource || ' ' || kt_target(namespace, name), split_part(coalesce(request_uri, '?'), '?', 1)) || ')' AS summary
FROM foreign_addresses
