/*
id: client-certificate-csr
title: Client-certificate signing request created
severity: medium
mitre: [T1098, T1552.004]
needs: [request-bodies]
description: >-
  Someone other than the platform created a CertificateSigningRequest for an API-server client
  certificate (signer kubernetes.io/kube-apiserver-client, or a legacy CSR with usage "client auth").
  Once approved, the certificate is a credential that cannot be revoked until it expires: a durable way
  back in. Kubelet CSRs (signer kube-apiserver-client-kubelet, nodes, bootstrap tokens) are left out.
false_positives: >-
  Onboarding people or tools with certificates (rare in managed clusters, which use cloud identity).
response:
  - Who asked (user_name) and which identity the certificate names (decode spec.request in the CSR - `kubectl get csr NAME -o jsonpath='{.spec.request}' | base64 -d | openssl req -noout -subject`).
  - Whether it was approved, and by whom (csr-approved-by-requester, the approval subresource).
  - Deny or delete it if unexpected; an issued certificate can only be made useless by removing the RBAC rights of the name it carries.
tags: [persistence, credential-access]
references: [Panther Kubernetes.ClientCertificate.Created, Elastic CSR created (GKE, AKS), Stratus Red Team k8s.persistence.create-client-certificate]
*/
SELECT cluster, audit_id, event_time,
  kt_who(user_name) || ' ' || coalesce(object_name, '?') AS group_key,
  kt_who(user_name) || ' requested a client certificate (CSR ' || coalesce(object_name, '?') || ', signer '
    || coalesce(json_extract_string(request_object, '$.spec.signerName'), 'legacy') || ')' AS summary
FROM events
WHERE resource = 'certificatesigningrequests' AND subresource IS NULL AND verb = 'create' AND succeeded AND NOT is_platform
  AND (json_extract_string(request_object, '$.spec.signerName') = 'kubernetes.io/kube-apiserver-client'
       OR (json_extract_string(request_object, '$.spec.signerName') IS NULL
           AND list_contains(kt_json_strings(json_extract(request_object, '$.spec.usages')), 'client auth')))
