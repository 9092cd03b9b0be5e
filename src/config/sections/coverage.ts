/**
 * The job file's `coverage:` section: the thresholds the coverage checks judge against. Every key is
 * optional; the defaults and why they were chosen are in docs/coverage.md. `clusters:` overrides the
 * numbers for single clusters (a lab cluster may keep 14 days, a payment cluster 365).
 */
import { z } from 'zod';
import { clusterName, duration } from '../common.js';

const share = (what: string) => z.number({ error: `${what}: a share between 0 and 1, e.g. 0.9` }).min(0).max(1);

/** A duration per provider, e.g. `freshness: { eks: 30m, files: 2h }`; providers not named keep their default. */
const perProvider = (what: string) =>
  z
    .object({
      eks: duration(`${what}.eks`).optional(),
      gke: duration(`${what}.gke`).optional(),
      aks: duration(`${what}.aks`).optional(),
      files: duration(`${what}.files`).optional(),
    })
    .strict();

/** The numbers a single cluster may override. */
const tunables = {
  /** How far back the observed-data checks look. */
  window: duration('coverage.window').optional(),
  /** How long audit events must stay available (provider retention, and history kubetrail holds). */
  retentionTarget: duration('coverage.retentionTarget').optional(),
  /** A silence of at least this many hours (last event before to first event after) is a gap. */
  gapHours: z.number().int().min(1).max(168).optional(),
  /** Below this median of events per active hour a cluster is too quiet to judge gaps. */
  minEventsPerHour: z.number().min(0).optional(),
  /** A UTC day with fewer events is not judged on its own (reads per day, ingestion lag per day). */
  minEventsPerDay: z.number().int().min(1).optional(),
  /** Below this many requests in the window, shares (reads, bodies, attribution) are not judged. */
  minRequests: z.number().int().min(1).optional(),
  /** Newest event older than this (at the last pull) is stale. */
  freshness: perProvider('coverage.freshness').optional(),
  /** 95th percentile of ingestion time minus event time above this is too late. */
  lagP95: perProvider('coverage.lagP95').optional(),
  /** Share of requests that are get/list below which reads count as missing. */
  minReadShare: share('coverage.minReadShare').optional(),
  /** Share of body-carrying writes that must carry their request body. */
  minBodyShare: share('coverage.minBodyShare').optional(),
  /** Share of service-account requests that must name their pod. */
  minPodAttribution: share('coverage.minPodAttribution').optional(),
  /** Truncated or size-quarantined events tolerated in the window. */
  maxTruncated: z.number().int().min(0).optional(),
};

export const coverageSection = z
  .object({
    ...tunables,
    /** User names no person can be tied to (shared kubeconfigs, break-glass certificates). */
    sharedUsers: z.array(z.string().min(1)).optional(),
    /** Groups whose members are shared identities (certificates in system:masters). */
    sharedGroups: z.array(z.string().min(1)).optional(),
    /** Users in those groups that are components, not people (the API server's loopback client). */
    sharedExclude: z.array(z.string().min(1)).optional(),
    /** Service accounts whose tokens are not bound to pods by design (`*` matches anything). */
    podAttributionExclude: z.array(z.string().min(1)).optional(),
    clusters: z.record(clusterName, z.object(tunables).strict()).optional(),
  })
  .strict();

export type CoverageSection = z.output<typeof coverageSection>;

const MIN = 60e3;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** Defaults for every threshold; docs/coverage.md says why each was chosen. */
export const COVERAGE_DEFAULTS = {
  window: 7 * DAY,
  retentionTarget: 90 * DAY,
  gapHours: 2,
  minEventsPerHour: 5,
  minEventsPerDay: 50,
  minRequests: 50,
  freshness: { eks: 30 * MIN, gke: 15 * MIN, aks: 30 * MIN, files: 2 * HOUR },
  lagP95: { eks: 10 * MIN, gke: 5 * MIN, aks: 10 * MIN, files: 15 * MIN },
  minReadShare: 0.01,
  minBodyShare: 0.8,
  minPodAttribution: 0.9,
  maxTruncated: 0,
  sharedUsers: ['kubernetes-admin', 'kubernetes-super-admin', 'masterclient', 'admin', 'system:admin'],
  sharedGroups: ['system:masters'],
  // components, not people: the API server's loopback client and AKS's own control-plane identity
  sharedExclude: ['system:apiserver', 'aksService'],
  podAttributionExclude: [
    'system:serviceaccount:kube-system:*-controller',
    'system:serviceaccount:kube-system:generic-garbage-collector',
    'system:serviceaccount:kube-system:horizontal-pod-autoscaler',
    'system:serviceaccount:kube-system:persistent-volume-binder',
    'system:serviceaccount:kube-system:bootstrap-signer',
    'system:serviceaccount:kube-system:token-cleaner',
    'system:serviceaccount:kube-system:root-ca-cert-publisher',
    'system:serviceaccount:kube-system:legacy-service-account-token-cleaner',
  ],
} as const;
