/** Reports as one self-contained HTML file (inline CSS and SVG, no scripts, no network). */
import { findingsHtml } from './html/findings.js';
import { page } from './html/page.js';
import { weeklyHtml } from './html/weekly.js';
import type { ReportModel } from './model.js';

export function renderHtml(model: ReportModel): string {
  return model.kind === 'weekly'
    ? page('kubetrail weekly coverage report', weeklyHtml(model))
    : page('kubetrail findings report', findingsHtml(model));
}
