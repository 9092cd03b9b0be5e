/*
id: aws-auth-modified
title: EKS aws-auth ConfigMap modified
severity: high
mitre: [T1098.006]
needs: [metadata]
description: >-
  The kube-system/aws-auth ConfigMap is created, updated, patched or deleted. On EKS it maps IAM roles and
  users to Kubernetes users and groups: adding an entry with group system:masters makes an IAM principal
  cluster admin, invisibly to Kubernetes RBAC. EKS logs this ConfigMap's changes with their bodies
  (RequestResponse), so the mapping is in request_object. Only meaningful on EKS (and clusters using
  aws-iam-authenticator).
false_positives: >-
  Node group creation by eksctl or Terraform, and deliberate access changes. Suppress the pipelines that
  own it; consider EKS access entries instead.
response:
  - What changed (request_object - mapRoles and mapUsers), who changed it (user_name and the IAM ARN in user_extra).
  - Remove unknown mappings; review what the mapped IAM principals did in the cluster and in CloudTrail.
tags: [persistence, privilege-escalation, eks]
references: [Elastic AWS EKS aws-auth ConfigMap modified]
*/
SELECT cluster, audit_id, event_time,
  'kube-system/aws-auth' AS group_key,
  kt_who(user_name) || coalesce(' (' || arn || ')', '') || ' ' || kt_did(verb) || ' ConfigMap kube-system/aws-auth' AS summary
FROM events
WHERE resource = 'configmaps' AND namespace = 'kube-system' AND name = 'aws-auth'
  AND verb IN ('create', 'update', 'patch', 'delete') AND succeeded
