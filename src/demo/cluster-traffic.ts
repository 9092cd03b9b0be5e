/**
 * The request log of one demo cluster while it is being generated: ids, resource versions, the state of
 * its workloads (which pods exist where), and helpers that place requests in time.
 */
import type { App, ClusterProfile } from './clusters.js';
import { Random } from './random.js';
import { call, type Call, type Request } from './request.js';
import { HOUR_US, type Week } from './timeline.js';

export interface PodState {
  name: string;
  uid: string;
  node: string;
  ip: string;
}

export interface AppState {
  app: App;
  rsHash: string;
  rsUid: string;
  deploymentUid: string;
  generation: number;
  tag: string;
  pods: PodState[];
  /** Which pods ran from when: [since, pods], in time order (rollouts append). */
  history: Array<[number, PodState[]]>;
}

/** The pods of an app at a time (people and kubelets must name pods that exist then). */
export function podsAt(state: AppState, us: number): PodState[] {
  let pods = state.history[0]![1];
  for (const [since, p] of state.history) {
    if (since > us) break;
    pods = p;
  }
  return pods;
}

export class ClusterTraffic {
  readonly requests: Request[] = [];
  readonly apps: AppState[];
  private rv = 48_113_000;

  constructor(
    readonly profile: ClusterProfile,
    readonly week: Week,
    readonly rng: Random,
  ) {
    this.apps = profile.apps.map((app) => {
      const rsHash = this.podTemplateHash();
      const pods = Array.from({ length: app.replicas }, () => this.newPod(`${app.name}-${rsHash}-`));
      return {
        app,
        rsHash,
        rsUid: rng.uuid(),
        deploymentUid: rng.uuid(),
        generation: rng.int(20, 90),
        tag: `1.${rng.int(10, 40)}.${rng.int(0, 9)}`,
        pods,
        history: [[week.startUs - 86_400e6, pods]],
      };
    });
  }

  id(): string {
    return this.rng.uuid();
  }

  nextRv(): string {
    this.rv += this.rng.int(1, 60);
    return String(this.rv);
  }

  /** Record a request; returns it so that callers can chain on its completion time. */
  add(c: Omit<Call, 'auditID'> & { auditID?: string }): Request {
    const r = call({ ...c, auditID: c.auditID ?? this.id() });
    this.requests.push(r);
    return r;
  }

  push(r: Request): Request {
    this.requests.push(r);
    return r;
  }

  podTemplateHash(): string {
    return this.rng.suffix(this.rng.int(9, 10));
  }

  newPod(prefix: string): PodState {
    const node = this.rng.pick(this.profile.nodes);
    return { name: prefix + this.rng.suffix(5), uid: this.rng.uuid(), node: node.name, ip: this.podIp() };
  }

  podIp(): string {
    return `${this.profile.podNet}.${this.rng.int(1, 3)}.${this.rng.int(2, 250)}`;
  }

  /** Every `periodUs` (± jitter) across the week, starting at a random phase. */
  periodic(periodUs: number, jitterUs: number, fn: (at: number) => void): void {
    for (let t = this.week.startUs + this.rng.float() * periodUs; t < this.week.endUs; t += periodUs + (this.rng.float() * 2 - 1) * jitterUs) {
      fn(Math.floor(t));
    }
  }

  /** A Poisson process of at most `perHour` events per hour, thinned by `shape(t)` in [0, 1]. */
  poisson(perHour: number, shape: (us: number) => number, fn: (at: number) => void): void {
    for (let t = this.week.startUs + this.rng.gapUs(perHour); t < this.week.endUs; t += this.rng.gapUs(perHour)) {
      if (this.rng.float() < shape(t)) fn(Math.floor(t));
    }
  }

  /** Latency of an ordinary request, microseconds. */
  latency(verb: string): number {
    const median = verb === 'list' ? 12_000 : verb === 'get' ? 2_500 : 8_000;
    return Math.round(this.rng.lognormal(median, 0.6));
  }

  /** A short pause between steps of a sequence (a controller reacting, a person typing). */
  after(us: number, minMs: number, maxMs: number): number {
    return Math.floor(us + (minMs + this.rng.float() * (maxMs - minMs)) * 1000);
  }

  within(us: number): boolean {
    return us >= this.week.startUs && us < this.week.endUs;
  }

  hours(): number {
    return (this.week.endUs - this.week.startUs) / HOUR_US;
  }
}
