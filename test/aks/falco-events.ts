/** Real audit events for the AKS tests: the falco captures in the shared samples (never copied here). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditEvent } from '../fakes/aks-rows.js';
import { SHARED_DATA } from '../helpers/workspace.js';

/** The falco sample events (real captures, shared/data/falco): one unique (auditID, stage) each. */
export function falcoEvents(dir = join(SHARED_DATA, 'falco')): AuditEvent[] {
  const seen = new Set<string>();
  const out: AuditEvent[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      let e: AuditEvent;
      try {
        e = JSON.parse(line) as AuditEvent;
      } catch {
        continue;
      }
      if (typeof e.auditID !== 'string' || typeof e.stageTimestamp !== 'string' || typeof e.stage !== 'string') continue;
      const key = `${e.auditID}/${e.stage}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(e);
    }
  }
  return out;
}
