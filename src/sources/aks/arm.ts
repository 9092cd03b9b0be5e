/**
 * Reading ARM resources for posture facts. Diagnostic settings are read with api-version
 * 2021-05-01-preview through the ARM client's pipeline (credential, TLS, retries of @azure/arm-monitor),
 * because the client's own operations use 2017-05-01-preview, which does not show settings enabled
 * through category groups (`audit`, `allLogs`); the old version is kept as a fallback for clouds that
 * lack the new one. Failures come back as a reason that names what the identity is missing.
 */
import { createPipelineRequest } from '@azure/core-rest-pipeline';
import type { MonitorClient } from '@azure/arm-monitor';
import { describe } from '../../errors.js';
import { credentialProblem } from './credential-errors.js';

export type ArmResult<T> = { ok: true; body: T } | { ok: false; status?: number; reason: string };

/** What each read needs, for messages when it is refused. */
export interface Need {
  /** The Azure RBAC action, e.g. Microsoft.Insights/diagnosticSettings/read. */
  action: string;
  /** Built-in roles that grant it, and on what. */
  roles: string;
}

export class ArmReader {
  constructor(
    readonly client: MonitorClient,
    readonly endpoint: string,
  ) {}

  async get<T>(path: string, apiVersion: string, need: Need, signal?: AbortSignal): Promise<ArmResult<T>> {
    const url = `${this.endpoint}${path}?api-version=${apiVersion}`;
    let status: number;
    let text: string;
    try {
      const res = await this.client.sendRequest(createPipelineRequest({ url, method: 'GET', abortSignal: signal }));
      status = res.status;
      text = res.bodyAsText ?? '';
    } catch (err) {
      const noToken = credentialProblem(err);
      if (noToken) return { ok: false, reason: noToken };
      return { ok: false, reason: `cannot reach ARM at ${this.endpoint}: ${describe(err)}` };
    }
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (status >= 200 && status < 300) return { ok: true, body: body as T };
    const err = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    const said = `${status}${err?.code ? ` ${err.code}` : ''}${err?.message ? `: ${err.message}` : ''}`;
    if (status === 403) return { ok: false, status, reason: `permission denied (${said}): the identity needs ${need.action}, granted by ${need.roles}` };
    if (status === 401) {
      return {
        ok: false,
        status,
        reason: `ARM refused the credentials (${said}); with KUBETRAIL_AZURE_TOKEN set, put a token for ARM (audience https://management.azure.com) in KUBETRAIL_AZURE_ARM_TOKEN`,
      };
    }
    if (status === 404) return { ok: false, status, reason: `not found (${said}): ${path}` };
    return { ok: false, status, reason: `ARM answered ${said} for ${path}` };
  }
}

export const NEED_CLUSTER_DIAGNOSTICS: Need = {
  action: 'Microsoft.Insights/diagnosticSettings/read on the cluster',
  roles: 'Monitoring Reader or Reader on the cluster (or its resource group / subscription)',
};
export const NEED_WORKSPACE: Need = {
  action: 'Microsoft.OperationalInsights/workspaces/read on the workspace',
  roles: 'Log Analytics Reader or Reader on the workspace',
};
export const NEED_TABLE: Need = {
  action: 'Microsoft.OperationalInsights/workspaces/tables/read on the workspace',
  roles: 'Log Analytics Reader or Reader on the workspace',
};
