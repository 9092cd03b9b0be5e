import { z } from 'zod';
import { clusterBase, duration, incremental } from '../common.js';

// zod's url() takes `localhost:4566` (scheme `localhost:`), which the SDK then cannot use.
const httpUrl = z.url().refine((u) => /^https?:\/\//.test(u), 'must be an http:// or https:// URL, e.g. https://logs.eu-west-1.amazonaws.com');

export const eksCluster = z
  .object({
    ...clusterBase,
    ...incremental,
    provider: z.literal('eks'),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as us-east-1'),
    /** EKS cluster name: the log group is /aws/eks/<cluster>/cluster unless logGroup says otherwise. */
    cluster: z.string().min(1),
    logGroup: z.string().min(1).optional(),
    /** CloudWatch Logs endpoint URL (VPC endpoint, proxy, test double). */
    endpoint: httpUrl.optional(),
    eksEndpoint: httpUrl.optional(),
    stsEndpoint: httpUrl.optional(),
    profile: z.string().optional(),
    /** Role to assume for this cluster's account. */
    roleArn: z.string().regex(/^arn:aws[\w-]*:iam::\d{12}:role\/.+$/, 'an IAM role ARN').optional(),
    /** FilterLogEvents requests per second for this account and region (AWS: 5, not raisable). */
    requestsPerSecond: z.number().positive().max(5).default(5),
    /** Each run stops this long before now: CloudWatch makes freshly delivered events searchable with a delay. */
    settle: duration('settle').optional(),
    /** Time slices of one window fetched at once (the account's quota still applies). */
    parallelSlices: z.number().int().min(1).max(16).default(4),
  })
  .strict();
