/**
 * The Cloud Logging double's AuditLog encoder: gcloud-style JSON -> protobuf bytes, written field by
 * field with protobufjs' Writer and the numbers of googleapis' google/cloud/audit/audit_log.proto. It
 * shares no definition with the puller's decoder, so a wrong field number on either side shows up as a
 * difference in the tests. Keys it does not know are an error, not silently dropped.
 */
import protobuf from 'protobufjs';

type Obj = Record<string, unknown>;
const { Writer } = protobuf;
type W = protobuf.Writer;

const LEN = 2;
const VARINT = 0;
const FIXED64 = 1;

function str(w: W, field: number, v: unknown): void {
  if (v === undefined || v === null || v === '') return;
  w.uint32((field << 3) | LEN).string(String(v));
}
function msg(w: W, field: number, v: unknown, body: (w: W, v: Obj) => void): void {
  if (v === undefined || v === null) return;
  w.uint32((field << 3) | LEN).fork();
  body(w, v as Obj);
  w.ldelim();
}
function known(o: Obj, keys: string[], where: string): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) throw new Error(`audit-log-wire: ${where}.${k} is not encoded by the test double`);
}

export function encodeValue(w: W, v: unknown): void {
  if (v === null) w.uint32((1 << 3) | VARINT).int32(0);
  else if (typeof v === 'number') w.uint32((2 << 3) | FIXED64).double(v);
  else if (typeof v === 'string') w.uint32((3 << 3) | LEN).string(v);
  else if (typeof v === 'boolean') w.uint32((4 << 3) | VARINT).bool(v);
  else if (Array.isArray(v)) msg(w, 6, v, (w2) => v.forEach((x) => msg(w2, 1, { x }, (w3, o) => encodeValue(w3, o.x))));
  else msg(w, 5, v, encodeStruct);
}

export function encodeStruct(w: W, o: Obj): void {
  for (const [k, v] of Object.entries(o)) {
    w.uint32((1 << 3) | LEN).fork();
    w.uint32((1 << 3) | LEN).string(k);
    msg(w, 2, { v }, (w2, x) => encodeValue(w2, x.v));
    w.ldelim();
  }
}

export function encodeAuditLog(p: Obj): Uint8Array {
  const { '@type': _type, ...rest } = p;
  known(rest, ['serviceName', 'methodName', 'resourceName', 'status', 'authenticationInfo', 'authorizationInfo', 'requestMetadata', 'request', 'response', 'metadata', 'numResponseItems', 'resourceLocation'], 'protoPayload');
  const w = Writer.create();
  msg(w, 2, rest.status, (w2, s) => {
    known(s, ['code', 'message'], 'status');
    if (s.code) w2.uint32((1 << 3) | VARINT).int32(Number(s.code));
    str(w2, 2, s.message);
  });
  msg(w, 3, rest.authenticationInfo, (w2, a) => {
    known(a, ['principalEmail', 'principalSubject'], 'authenticationInfo');
    str(w2, 1, a.principalEmail);
    str(w2, 8, a.principalSubject);
  });
  msg(w, 4, rest.requestMetadata, (w2, m) => {
    known(m, ['callerIp', 'callerSuppliedUserAgent', 'callerNetwork'], 'requestMetadata');
    str(w2, 1, m.callerIp);
    str(w2, 2, m.callerSuppliedUserAgent);
    str(w2, 3, m.callerNetwork);
  });
  str(w, 7, rest.serviceName);
  str(w, 8, rest.methodName);
  for (const a of (rest.authorizationInfo as Obj[] | undefined) ?? [])
    msg(w, 9, a, (w2, x) => {
      known(x, ['resource', 'permission', 'granted', 'permissionType'], 'authorizationInfo[]');
      str(w2, 1, x.resource);
      str(w2, 2, x.permission);
      if (x.granted) w2.uint32((3 << 3) | VARINT).bool(true);
      const types = ['PERMISSION_TYPE_UNSPECIFIED', 'ADMIN_READ', 'ADMIN_WRITE', 'DATA_READ', 'DATA_WRITE'];
      if (x.permissionType) w2.uint32((7 << 3) | VARINT).int32(types.indexOf(String(x.permissionType)));
    });
  str(w, 11, rest.resourceName);
  if (rest.numResponseItems) w.uint32((12 << 3) | VARINT).int64(String(rest.numResponseItems));
  msg(w, 16, rest.request, encodeStruct);
  msg(w, 17, rest.response, encodeStruct);
  msg(w, 18, rest.metadata, encodeStruct);
  msg(w, 20, rest.resourceLocation, (w2, l) => {
    known(l, ['currentLocations', 'originalLocations'], 'resourceLocation');
    for (const x of (l.currentLocations as string[] | undefined) ?? []) str(w2, 1, x);
    for (const x of (l.originalLocations as string[] | undefined) ?? []) str(w2, 2, x);
  });
  return w.finish();
}
