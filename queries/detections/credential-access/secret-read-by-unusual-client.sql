/*
id: secret-read-by-unusual-client
title: Secret read by a scripted client or anonymously
severity: medium
mitre: [T1552.007]
needs: [metadata, read-verbs]
description: >-
  A successful get, list or watch of Secrets from a client people script with rather than kubectl or a
  controller (curl, wget, python - including the official Kubernetes Python client, whose user agent is
  OpenAPI-Generator/<version>/python -, Go's default http client, ...; or no user agent at all), or by an
  anonymous request. Stolen service-account tokens are typically used this way, from inside a pod or from
  outside. Reads are only logged where they are (not with AKS kube-audit-admin, not on GKE without Data
  Access logs). The user agent is chosen by the client, so this catches the careless.
false_positives: >-
  In-house scripts and operators built on plain HTTP clients. Suppress their principals.
response:
  - Which principal read which secrets with which client, from where (summary, source_ips).
  - Whether the principal is a pod's service account; if so, what else it did (`FROM timeline('<user>')`) and where the source IP is.
  - Rotate the secrets read and the token used if the access is not explained.
tags: [credential-access]
parameters:
  clients:
    type: string
    default: "(?i)^(curl|wget|python|aiohttp|go-http-client|node-fetch|axios|okhttp|postmanruntime|insomnia|httpie|libwww-perl|java-http-client|apache-httpclient|powershell|ruby|php|openapi-generator/[^/]+/python)"
    description: regular expression (RE2) for user agents of scripted clients (an empty user agent always counts)
references: [Falco K8s Secret Get Successfully, Elastic Kubernetes secret access by unusual user agent, GuardDuty CredentialAccess:Kubernetes/AnomalousBehavior.SecretsAccessed]
*/
SELECT cluster, audit_id, event_time,
  kt_who(user_name) || ' ' || coalesce(user_agent, '') AS group_key,
  kt_who(user_name) || ' ' || kt_did(verb) || ' secret(s) ' || kt_target(namespace, name) || ' with '
    || coalesce('"' || nullif(trim(user_agent), '') || '"', 'no user agent') AS summary
FROM events
WHERE resource = 'secrets' AND subresource IS NULL AND verb IN ('get', 'list', 'watch') AND succeeded
  AND (is_anonymous OR coalesce(trim(user_agent), '') = '' OR regexp_matches(user_agent, $clients))
