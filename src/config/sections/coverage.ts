import { z } from 'zod';

/** Coverage thresholds (retention target, gap size, freshness). Filled in by the coverage checks. */
export const coverageSection = z.object({}).passthrough();
