/**
 * Decoding the AuditLog payload of a GKE LogEntry. Over gRPC `protoPayload` is a google.protobuf.Any
 * whose bytes neither transport of the Google client can decode (stack.md), so we decode them with our
 * own message definition (audit-log.proto) and write the proto3 JSON that Cloud Logging's REST API and
 * `gcloud logging read --format=json` print: camelCase names, default values left out, Structs as JSON.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { opaqueAnyToJson, structToJson, timestampToJson } from './proto-json.js';

export const AUDIT_LOG_TYPE_URL = 'type.googleapis.com/google.cloud.audit.AuditLog';

const here = dirname(fileURLToPath(import.meta.url));
const root = protobuf.loadSync(join(here, 'audit-log.proto'));
const AuditLog = root.lookupType('kubetrail.gke.AuditLog');

const TO_OBJECT: protobuf.IConversionOptions = { longs: String, enums: String, bytes: String, defaults: false, json: true };

type Obj = Record<string, unknown>;

/** AuditLog bytes -> its JSON (without "@type"). Throws on bytes that are not an AuditLog. */
export function decodeAuditLog(bytes: Uint8Array): Obj {
  const msg = AuditLog.decode(bytes);
  const o = AuditLog.toObject(msg, TO_OBJECT) as Obj;
  structField(o, 'request');
  structField(o, 'response');
  structField(o, 'metadata');
  structField(o, 'resourceOriginalState');
  if (o.serviceData) o.serviceData = opaqueAnyToJson(o.serviceData);
  const status = o.status as Obj | undefined;
  if (status && Array.isArray(status.details)) status.details = status.details.map(opaqueAnyToJson);
  const authn = o.authenticationInfo as Obj | undefined;
  if (authn) {
    structField(authn, 'thirdPartyPrincipal');
    for (const d of (authn.serviceAccountDelegationInfo as Obj[] | undefined) ?? []) {
      if (d.firstPartyPrincipal) structField(d.firstPartyPrincipal as Obj, 'serviceMetadata');
      if (d.thirdPartyPrincipal) structField(d.thirdPartyPrincipal as Obj, 'thirdPartyClaims');
    }
  }
  for (const a of (o.authorizationInfo as Obj[] | undefined) ?? []) {
    const r = a.resourceAttributes as Obj | undefined;
    if (r) for (const k of ['createTime', 'updateTime', 'deleteTime']) if (r[k]) r[k] = timestampToJson(r[k]);
  }
  const meta = o.requestMetadata as Obj | undefined;
  const req = meta?.requestAttributes as Obj | undefined;
  if (req) {
    if (req.time) req.time = timestampToJson(req.time);
    if (req.auth) structField(req.auth as Obj, 'claims');
  }
  const violation = (o.policyViolationInfo as Obj | undefined)?.orgPolicyViolationInfo as Obj | undefined;
  if (violation) structField(violation, 'payload');
  return o;
}

function structField(o: Obj, k: string): void {
  if (o[k] !== undefined) o[k] = structToJson(o[k]);
}
