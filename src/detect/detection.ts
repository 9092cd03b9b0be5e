/**
 * What a detection is, as the rest of kubetrail sees it (the engine, `rules list`, the coverage checks'
 * blind-detection map, the reports). A detection is one SQL file under queries/detections/ whose header
 * carries this metadata; its id is its path there without `.sql`.
 */
import type { Severity } from './run.js';

/** What audit data a detection needs to be able to fire. */
export type AuditNeed =
  /** verb, objectRef, user, source IPs, user agent, response code, request URI (every level but None) */
  | 'metadata'
  /** requestObject: Request or RequestResponse level for the resource */
  | 'request-bodies'
  /** responseObject: RequestResponse level */
  | 'response-bodies'
  /** get / list / watch events (missing with AKS kube-audit-admin, GKE without Data Access) */
  | 'read-verbs';

export type ProviderName = 'eks' | 'gke' | 'aks' | 'files';

export interface Detection {
  id: string;
  title: string;
  severity: Severity;
  /** MITRE ATT&CK technique ids, e.g. T1609. */
  mitre: string[];
  needs: AuditNeed[];
  /** Providers where it cannot work whatever the configuration, and why (e.g. GKE does not log TokenRequest). */
  blindOn: Partial<Record<ProviderName, string>>;
  /**
   * Data without which it still fires, but misses part of what it is about, and why: e.g. read-verbs for
   * exec, since exec over WebSocket (kubectl 1.30+) is logged as a get on pods/exec.
   */
  partlyNeeds?: Partial<Record<AuditNeed, string>>;
  description: string;
  falsePositives: string;
  response: string;
  tags: string[];
  /** Path of the SQL file. */
  file: string;
}
