import type { Envelope } from './envelope.js';
import { aksAzureDiagnostics } from './envelopes/aks-azurediagnostics.js';
import { aksTable } from './envelopes/aks-table.js';
import { azureDiagnostic } from './envelopes/azure-diagnostic.js';
import { cloudwatchEvent } from './envelopes/cloudwatch-event.js';
import { gcpOtherLogEntry, gkeLogEntry } from './envelopes/gke-logentry.js';
import { rawEvent } from './envelopes/raw-event.js';

/**
 * Every envelope kubetrail reads, in the order they are tried on a record. The order matters only where
 * a record could look like two envelopes: a provider's wrapper is tried before the bare Event, because a
 * wrapper never has the Event's top-level keys but an Event may not have all of its own. (Batches, and
 * Log Analytics rows staged as plain records, are sorted out before: see normalise.ts.)
 */
export const ENVELOPES: readonly Envelope[] = [
  aksAzureDiagnostics,
  aksTable,
  gkeLogEntry,
  azureDiagnostic,
  cloudwatchEvent,
  rawEvent,
  gcpOtherLogEntry,
];

export const ENVELOPE_NAMES = ENVELOPES.map((e) => e.name);
