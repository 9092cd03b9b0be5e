import { z } from 'zod';

/** Tuning for detections (suppressions, parameters). Filled in by the detection engine. */
export const detectSection = z.object({}).passthrough();
