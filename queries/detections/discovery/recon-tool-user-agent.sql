/*
id: recon-tool-user-agent
title: Request from an offensive or reconnaissance tool
severity: high
mitre: [T1613, T1595]
needs: [metadata]
description: >-
  A request's user agent names a Kubernetes attack or reconnaissance tool (kube-hunter, peirates,
  kubesploit, rakkess/access-matrix, trufflehog, azurehound, ...): whether the request succeeded or not,
  someone is probing this cluster. Generic network scanners (zgrab, masscan, nmap, nuclei, ...) sweep every
  address on the internet: an anonymous scanner that is refused everything is background noise of a
  public endpoint, so they are reported when they come with credentials or when an anonymous request of
  theirs got a resource. The user agent is set by the client, so this finds the tools that do not bother
  to hide.
false_positives: >-
  Penetration tests and red-team exercises. Suppress the testers' addresses or principals with an expiry.
response:
  - Which tool, identity and address (summary).
  - What else came from that address (`FROM from_address('<ip>')`) and what the identity reached.
tags: [discovery, reconnaissance]
parameters:
  pattern:
    type: string
    default: "(?i)(kube-hunter|kubehunter|peirates|kubesploit|kdigger|access[-_]matrix|rakkess|trufflehog|azurehound|kubiscan|kubeletctl|botb|cdk/)"
    description: regular expression (RE2) matched against the user agent; Kubernetes attack tools, reported always
  scanner_pattern:
    type: string
    default: "(?i)(masscan|zgrab|nmap|nuclei|sqlmap|nikto|gobuster|feroxbuster|dirbuster)"
    description: regular expression (RE2) for generic network scanners, reported with credentials or when an anonymous request succeeded on a resource
references: [Sigma, Defender K8S_PenTestToolsKubeHunter, Elastic suspicious user agents]
*/
SELECT cluster, audit_id, event_time,
  kt_who(user_name) || ' ' || coalesce(user_agent, '') AS group_key,
  kt_who(user_name) || ' from ' || coalesce(array_to_string(source_ips, ', '), '?') || ' used "' || user_agent || '" ('
    || coalesce(verb, '?') || ' ' || coalesce(resource, split_part(coalesce(request_uri, '?'), '?', 1)) || ')' AS summary
FROM events
WHERE regexp_matches(coalesce(user_agent, ''), $pattern)
   OR (regexp_matches(coalesce(user_agent, ''), $scanner_pattern) AND (NOT is_anonymous OR (succeeded AND resource IS NOT NULL)))
