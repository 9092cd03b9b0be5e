/*
id: csr-approved-by-requester
title: Certificate signing request approved by its own requester
severity: high
mitre: [T1098, T1552.004]
needs: [request-bodies]
description: >-
  A principal approved a CertificateSigningRequest that it requested itself (an update of the approval
  subresource whose body names the same user in spec.username). Self-approval turns a right to approve
  CSRs into a credential for any identity the CSR names, including members of system:masters.
false_positives: >-
  Administrators issuing a certificate to themselves in a break-glass procedure.
response:
  - Which CSR and signer (summary); the identity in the certificate (decode spec.request).
  - Remove the approve right on signers (certificatesigningrequests/approval and signers with verb approve) from the principal.
  - The certificate stays valid until it expires - remove RBAC rights of the name it carries.
tags: [persistence, privilege-escalation, credential-access]
references: [Elastic Kubernetes CSR self-approval (GKE)]
*/
SELECT cluster, audit_id, event_time,
  kt_who(user_name) || ' ' || coalesce(object_name, '?') AS group_key,
  kt_who(user_name) || ' approved its own certificate request ' || coalesce(object_name, '?')
    || coalesce(' (signer ' || json_extract_string(request_object, '$.spec.signerName') || ')', '') AS summary
FROM events
WHERE resource = 'certificatesigningrequests' AND subresource = 'approval' AND verb IN ('update', 'patch') AND succeeded
  AND json_extract_string(request_object, '$.spec.username') = user_name
  AND list_contains(list_transform(kt_json_list(json_extract(request_object, '$.status.conditions')),
                                   lambda c: json_extract_string(c, '$.type') || '/' || coalesce(json_extract_string(c, '$.status'), 'True')), 'Approved/True')
