/**
 * A LogEntry as the gRPC client decodes it -> the JSON `gcloud logging read --format=json` prints for it.
 * The client fills every unset field with its default ('' , false, null, 'DEFAULT') and leaves the
 * payload Any undecoded; proto3 JSON leaves defaults out. The result goes to the sink unchanged, so the
 * one `gke-logentry` normaliser reads API entries and exported files alike.
 */
import { AUDIT_LOG_TYPE_URL, decodeAuditLog } from './audit-log.js';
import { durationToJson, opaqueAnyToJson, structToJson, timestampToJson } from './proto-json.js';

type Obj = Record<string, unknown>;

/** The fields of a decoded google.logging.v2.LogEntry that we read. */
export interface DecodedLogEntry {
  logName?: string | null;
  resource?: { type?: string | null; labels?: Record<string, string> | null } | null;
  protoPayload?: { type_url?: string; typeUrl?: string; value?: Uint8Array | null } | null;
  textPayload?: string | null;
  jsonPayload?: unknown;
  timestamp?: { seconds?: unknown; nanos?: number | null } | null;
  receiveTimestamp?: { seconds?: unknown; nanos?: number | null } | null;
  severity?: string | number | null;
  insertId?: string | null;
  httpRequest?: Obj | null;
  labels?: Record<string, string> | null;
  operation?: { id?: string | null; producer?: string | null; first?: boolean | null; last?: boolean | null } | null;
  trace?: string | null;
  spanId?: string | null;
  traceSampled?: boolean | null;
  sourceLocation?: { file?: string | null; line?: unknown; function?: string | null } | null;
  split?: { uid?: string | null; index?: number | null; totalSplits?: number | null } | null;
}

export class PayloadDecodeError extends Error {
  override readonly name = 'PayloadDecodeError';
}

export function logEntryToJson(e: DecodedLogEntry): Obj {
  const out: Obj = {};
  if (e.insertId) out.insertId = e.insertId;
  if (e.labels && Object.keys(e.labels).length) out.labels = e.labels;
  if (e.logName) out.logName = e.logName;
  if (e.operation) {
    const op = compact({ id: e.operation.id, producer: e.operation.producer, first: e.operation.first, last: e.operation.last });
    if (Object.keys(op).length) out.operation = op;
  }
  if (e.protoPayload) out.protoPayload = payloadToJson(e.protoPayload);
  else if (e.jsonPayload) out.jsonPayload = structToJson(e.jsonPayload);
  else if (e.textPayload) out.textPayload = e.textPayload;
  const receive = timestampToJson(e.receiveTimestamp);
  if (receive) out.receiveTimestamp = receive;
  if (e.resource) {
    const r = compact({ type: e.resource.type, labels: e.resource.labels && Object.keys(e.resource.labels).length ? e.resource.labels : undefined });
    if (Object.keys(r).length) out.resource = r;
  }
  if (e.severity && e.severity !== 'DEFAULT' && e.severity !== 0) out.severity = e.severity;
  const ts = timestampToJson(e.timestamp);
  if (ts) out.timestamp = ts;
  if (e.httpRequest) {
    const h = compact({ ...e.httpRequest, latency: durationToJson(e.httpRequest.latency) });
    if (Object.keys(h).length) out.httpRequest = h;
  }
  if (e.trace) out.trace = e.trace;
  if (e.spanId) out.spanId = e.spanId;
  if (e.traceSampled) out.traceSampled = true;
  if (e.sourceLocation) {
    const s = compact({ file: e.sourceLocation.file, line: e.sourceLocation.line === undefined || e.sourceLocation.line === null ? undefined : String(e.sourceLocation.line), function: e.sourceLocation.function });
    if (s.line === '0') delete s.line;
    if (Object.keys(s).length) out.sourceLocation = s;
  }
  if (e.split) {
    const s = compact({ uid: e.split.uid, index: e.split.index, totalSplits: e.split.totalSplits });
    if (Object.keys(s).length) out.split = s;
  }
  return out;
}

function payloadToJson(any: NonNullable<DecodedLogEntry['protoPayload']>): Obj {
  const typeUrl = any.type_url ?? any.typeUrl ?? '';
  if (typeUrl !== AUDIT_LOG_TYPE_URL) return opaqueAnyToJson(any)!;
  try {
    return { '@type': typeUrl, ...decodeAuditLog(any.value ?? new Uint8Array()) };
  } catch (err) {
    throw new PayloadDecodeError(`protoPayload is not a readable AuditLog (${(err as Error).message})`);
  }
}

/** Drop proto3 defaults: undefined, null, '', false, 0 and empty objects. */
function compact(o: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined || v === null || v === '' || v === false || v === 0 || v === '0') continue;
    if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as Obj).length === 0) continue;
    out[k] = v;
  }
  return out;
}
