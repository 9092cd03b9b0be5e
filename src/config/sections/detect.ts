/**
 * The job file's `detect:` section: tuning without forking the library.
 *
 * ```yaml
 * detect:
 *   disabled: [recon-tool-user-agent]          # detections that do not run
 *   parameters:                                # per detection, names from its header
 *     secrets-read-burst: { threshold: 25, window: 30m }
 *     disallowed-image-registry: { allowed_registries: [registry.example.com/] }
 *   suppressions:                              # evidence matching one of these is not a finding
 *     - reason: CI deploys from its runners      # required: why this is fine
 *       detections: [pod-exec]                 # omitted: every detection
 *       principals: ["system:serviceaccount:ci:*"]   # globs (* and ?) on the user name or EKS IAM ARN
 *       namespaces: [ci-*]
 *       expires: 2027-03-31                    # a date: applies to the end of that day (UTC)
 * ```
 * A suppression matches an event when every matcher it has matches (principals, groups, namespaces,
 * images, sourceCidrs, clusters); within one matcher any entry may match, except that every image of the
 * event and every one of its source IPs must be allowed (one unapproved image, or one forwarded address
 * outside the range, and the event is not suppressed).
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { library, type LoadedDetection } from '../../detect/library.js';
import { parseParameterValue } from '../../detect/params.js';

const glob = z.string().min(1);
const globs = z.array(glob).min(1);

const cidr = z.string().refine((s) => {
  const [ip, bits, ...rest] = s.split('/');
  const v = isIP(ip ?? '');
  if (!v || rest.length) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d+$/.test(bits) && n >= 0 && n <= (v === 4 ? 32 : 128);
}, 'an IP address or CIDR range such as 10.0.0.0/8 or 2001:db8::/32');

/** "2027-03-31" (to the end of that day, UTC) or an ISO time with a zone. */
const expiry = z.union([z.string(), z.date()]).transform((v, ctx) => {
  if (v instanceof Date) return v;
  const s = v.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) {
    const d = new Date(`${s}T00:00:00Z`);
    if (!Number.isNaN(d.getTime()) && d.toISOString().startsWith(s)) return new Date(d.getTime() + 86_400_000);
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(s)) {
    const d = new Date(s);
    if (!Number.isNaN(d.getTime())) return d;
  }
  ctx.addIssue({ code: 'custom', message: `"${s}" is not a date (2027-03-31) or a time with a zone (2027-03-31T12:00:00Z)` });
  return z.NEVER;
});

// Names are checked against the library, field by field so that every problem is reported at once: a typo
// must not silently leave a detection untuned.
const lib = () => new Map<string, LoadedDetection>(library().map((x) => [x.id, x]));
const unknownDetection = (id: string) => `no detection "${id}" in the library${suggest(id, [...lib().keys()])} (kubetrail rules list shows them)`;
const detectionId = z
  .string()
  .min(1)
  .superRefine((id, ctx) => {
    if (!lib().has(id)) ctx.addIssue({ code: 'custom', message: unknownDetection(id) });
  });

const parameters = z
  .record(z.string(), z.record(z.string(), z.unknown()))
  .default({})
  .superRefine((params, ctx) => {
    const known = lib();
    for (const [id, values] of Object.entries(params)) {
      const det = known.get(id);
      if (!det) {
        ctx.addIssue({ code: 'custom', path: [id], message: unknownDetection(id) });
        continue;
      }
      for (const [name, value] of Object.entries(values)) {
        const spec = det.parameters.find((p) => p.name === name);
        if (!spec) {
          const names = det.parameters.map((p) => p.name);
          ctx.addIssue({ code: 'custom', path: [id, name], message: names.length ? `${id} has no parameter "${name}" (it has: ${names.join(', ')})` : `${id} takes no parameters` });
          continue;
        }
        const v = parseParameterValue(spec.type, value);
        if (!v.ok) ctx.addIssue({ code: 'custom', path: [id, name], message: `${spec.type} parameter: ${v.message}` });
      }
    }
  });

export const suppressionSchema = z
  .object({
    reason: z.string().trim().min(1, 'say why this is not worth a finding'),
    detections: z.array(detectionId).min(1).optional(),
    clusters: globs.optional(),
    principals: globs.optional(),
    groups: globs.optional(),
    namespaces: globs.optional(),
    images: globs.optional(),
    sourceCidrs: z.array(cidr).min(1).optional(),
    expires: expiry.optional(),
  })
  .strict()
  .refine((s) => s.clusters || s.principals || s.groups || s.namespaces || s.images || s.sourceCidrs, {
    message: 'a suppression needs at least one of clusters, principals, groups, namespaces, images, sourceCidrs (to turn a detection off everywhere, list it under detect.disabled)',
  });

export type Suppression = z.output<typeof suppressionSchema>;

export const detectSection = z
  .object({
    disabled: z.array(detectionId).default([]),
    parameters,
    suppressions: z.array(suppressionSchema).default([]),
  })
  .strict();

export type DetectConfig = z.output<typeof detectSection>;

function suggest(id: string, ids: string[]): string {
  const close = ids.filter((x) => x.includes(id) || id.includes(x) || distance(x, id) <= 2);
  return close.length ? ` (did you mean ${close.slice(0, 3).map((c) => `"${c}"`).join(' or ')}?)` : '';
}

function distance(a: string, b: string): number {
  const dp = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) dp[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      dp[i]![j] = Math.min(dp[i - 1]![j]! + 1, dp[i]![j - 1]! + 1, dp[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return dp[a.length]![b.length]!;
}
