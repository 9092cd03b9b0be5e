/** Reports as JSON: the model itself, schema docs/report-v1.schema.json (documented in docs/report-schema.md). */
import { jsonText } from './escape.js';
import type { ReportModel } from './model.js';

export function renderJson(model: ReportModel): string {
  return `${jsonText(model)}\n`;
}
