import { z } from 'zod';

/** Where `kubetrail run` writes its reports. */
export const reportsSection = z
  .object({
    out: z.string().min(1).default('out'),
    formats: z.array(z.enum(['md', 'html', 'json'])).min(1).default(['md', 'html', 'json']),
  })
  .strict();
