/** Reports as Markdown (GitHub-flavoured), for a ticket or a chat message. */
import { findingsMd } from './md/findings.js';
import { weeklyMd } from './md/weekly.js';
import type { ReportModel } from './model.js';

export function renderMd(model: ReportModel): string {
  return model.kind === 'weekly' ? weeklyMd(model) : findingsMd(model);
}
