/**
 * The four demo clusters: who talks to each API server, from where, with which client, under which
 * audit policy. Names, accounts and addresses are invented; IP addresses outside the clusters come from
 * the documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24).
 */
import { aksAdminOnly, eksPolicy, gkePolicy, onpremPolicy, type Policy } from './policy.js';
import type { UserInfo } from './request.js';

export type ClusterName = 'demo-eks' | 'demo-gke' | 'demo-aks' | 'demo-onprem';

export interface Actor {
  user: UserInfo;
  ip: string;
  ua: string;
}

export interface Node {
  name: string;
  ip: string;
  user: UserInfo;
}

export interface App {
  namespace: string;
  name: string;
  image: string;
  replicas: number;
  /** ServiceAccount the pods run as (its token is refreshed by the kubelet). */
  serviceAccount: string;
}

export interface ClusterProfile {
  name: ClusterName;
  provider: 'eks' | 'gke' | 'aks' | 'files';
  policy: Policy;
  /** kube-apiserver and kubelet version in user agents. */
  version: string;
  gitCommit: string;
  nodes: Node[];
  /** Control-plane components (leader election, controllers). */
  controllerManager: Actor;
  scheduler: Actor;
  /** People using kubectl. The first is the shared admin identity of the cluster, when it has one. */
  humans: Actor[];
  /** The deployment pipeline. */
  ci: Actor;
  apps: App[];
  /** First two octets of pod IPs. */
  podNet: string;
  /** Internet scanners reach the API endpoint (public endpoint). */
  publicEndpoint: boolean;
  /** Extra system identities that renew a lease in kube-system: [actor, lease name]. */
  extraLeases: Array<[Actor, string]>;
}

export const K8S = 'v1.31.2';
const COMMIT = '5864a4677267e6adeae276ad85882a8714d69d9d'.slice(0, 7);
const kubectl = (os: string, v = K8S, c = COMMIT) => `kubectl/${v} (${os}) kubernetes/${c}`;
const controlPlane = (bin: string, v = K8S, c = COMMIT) => `${bin}/${v} (linux/amd64) kubernetes/${c}`;

const nodeUser = (name: string, groups = ['system:nodes', 'system:authenticated'], extra?: Record<string, string[]>): UserInfo =>
  ({ username: `system:node:${name}`, groups, ...(extra ? { extra } : {}) });
const sa = (ns: string, name: string, uid: string, extra?: Record<string, string[]>): UserInfo => ({
  username: `system:serviceaccount:${ns}:${name}`,
  uid,
  groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'],
  ...(extra ? { extra } : {}),
});

const APPS: App[] = [
  { namespace: 'payments', name: 'payments-api', image: 'payments-api', replicas: 3, serviceAccount: 'payments-api' },
  { namespace: 'shop', name: 'checkout-web', image: 'checkout-web', replicas: 2, serviceAccount: 'default' },
  { namespace: 'shop', name: 'catalog-api', image: 'catalog-api', replicas: 2, serviceAccount: 'catalog' },
  { namespace: 'orders', name: 'orders-worker', image: 'orders-worker', replicas: 2, serviceAccount: 'orders-worker' },
];

// ---- demo-eks: us-east-1, account 111122223333, IAM identities mapped through aws-auth ----
export const AWS_ACCOUNT = '111122223333';
const eksIam = (username: string, groups: string[], role: string, session: string, principalId: string, keyId: string): UserInfo => ({
  username,
  uid: `aws-iam-authenticator:${AWS_ACCOUNT}:${principalId}`,
  groups: [...groups, 'system:authenticated'],
  extra: {
    accessKeyId: [keyId],
    arn: [`arn:aws:sts::${AWS_ACCOUNT}:assumed-role/${role}/${session}`],
    canonicalArn: [`arn:aws:iam::${AWS_ACCOUNT}:role/${role}`],
    principalId: [principalId],
    sessionName: [session],
  },
});
const eksNode = (ip: string, instance: string): Node => {
  const name = `ip-${ip.replaceAll('.', '-')}.ec2.internal`;
  return {
    name,
    ip,
    user: {
      username: `system:node:${name}`,
      uid: `aws-iam-authenticator:${AWS_ACCOUNT}:AROAYDEMONODEROLE0001`,
      groups: ['system:bootstrappers', 'system:nodes', 'system:authenticated'],
      extra: {
        accessKeyId: ['ASIAYDEMONODE7EXAMPLE'],
        arn: [`arn:aws:sts::${AWS_ACCOUNT}:assumed-role/demo-eks-node-role/${instance}`],
        canonicalArn: [`arn:aws:iam::${AWS_ACCOUNT}:role/demo-eks-node-role`],
        principalId: ['AROAYDEMONODEROLE0001'],
        sessionName: [instance],
      },
    },
  };
};
export const EKS_VERSION = 'v1.31.2-eks-7f9249a';

export const EKS_ADMIN = eksIam('kubernetes-admin', ['system:masters'], 'PlatformAdmin', 'maria.santos', 'AROAYDEMOPLATFORM0001', 'ASIAYDEMOMARIA7EXAMPLE');

export const eks: ClusterProfile = {
  name: 'demo-eks',
  provider: 'eks',
  policy: eksPolicy,
  version: EKS_VERSION,
  gitCommit: '7f9249a',
  nodes: [eksNode('10.0.12.34', 'i-0a1b2c3d4e5f60001'), eksNode('10.0.45.67', 'i-0a1b2c3d4e5f60002'), eksNode('10.0.78.90', 'i-0a1b2c3d4e5f60003')],
  controllerManager: { user: { username: 'system:kube-controller-manager' }, ip: '127.0.0.1', ua: controlPlane('kube-controller-manager', EKS_VERSION, '7f9249a') },
  scheduler: { user: { username: 'system:kube-scheduler' }, ip: '127.0.0.1', ua: controlPlane('kube-scheduler', EKS_VERSION, '7f9249a') },
  humans: [
    { user: EKS_ADMIN, ip: '198.51.100.14', ua: kubectl('darwin/arm64') },
    { user: eksIam('developer:jonas.weber', ['developers'], 'Developer', 'jonas.weber', 'AROAYDEMODEVELOPER01', 'ASIAYDEMOJONAS7EXAMPLE'), ip: '198.51.100.23', ua: kubectl('linux/amd64') },
    { user: eksIam('sre:aiko.tanaka', ['sre'], 'SRE', 'aiko.tanaka', 'AROAYDEMOSREROLE0001', 'ASIAYDEMOAIKO07EXAMPLE'), ip: '198.51.100.17', ua: kubectl('darwin/arm64', 'v1.30.4', 'a51b3b7') },
  ],
  ci: { user: eksIam('ci-deployer', ['ci:deployers'], 'GitHubActionsDeploy', 'GitHubActions', 'AROAYDEMOGHACTIONS01', 'ASIAYDEMOGHA007EXAMPLE'), ip: '198.51.100.143', ua: kubectl('linux/amd64', 'v1.31.1', '948afe5') },
  apps: APPS,
  podNet: '10.0',
  publicEndpoint: true,
  extraLeases: [
    [{ user: { username: 'eks:cloud-controller-manager' }, ip: '127.0.0.1', ua: controlPlane('aws-cloud-controller-manager', 'v1.31.0', 'e3b4c5d') }, 'cloud-controller-manager'],
  ],
};

// ---- demo-gke: project acme-demo-prod, europe-west1 ----
export const GKE_PROJECT = 'acme-demo-prod';
const gkeNode = (suffix: string, ip: string): Node => {
  const name = `gke-demo-gke-default-pool-3f8a1c2e-${suffix}`;
  return { name, ip, user: nodeUser(name) };
};
const GKE_VERSION = 'v1.31.2-gke.1115000';
export const gke: ClusterProfile = {
  name: 'demo-gke',
  provider: 'gke',
  policy: gkePolicy,
  version: GKE_VERSION,
  gitCommit: 'a1b2c3d',
  nodes: [gkeNode('0c7r', '10.132.0.12'), gkeNode('5kq2', '10.132.0.13'), gkeNode('x9wd', '10.132.0.14')],
  controllerManager: { user: { username: 'system:kube-controller-manager' }, ip: '::1', ua: controlPlane('kube-controller-manager', GKE_VERSION, 'a1b2c3d') },
  scheduler: { user: { username: 'system:kube-scheduler' }, ip: '::1', ua: controlPlane('kube-scheduler', GKE_VERSION, 'a1b2c3d') },
  humans: [
    { user: { username: 'priya.patel@example.com', groups: ['system:authenticated'] }, ip: '198.51.100.31', ua: kubectl('darwin/arm64') },
    { user: { username: 'tom.hughes@example.com', groups: ['system:authenticated'] }, ip: '198.51.100.32', ua: kubectl('linux/amd64') },
  ],
  ci: { user: { username: `ci-deployer@${GKE_PROJECT}.iam.gserviceaccount.com`, groups: ['system:authenticated'] }, ip: '198.51.100.150', ua: kubectl('linux/amd64', 'v1.31.1', '948afe5') },
  apps: APPS.slice(1),
  podNet: '10.8',
  publicEndpoint: true,
  extraLeases: [
    [{ user: { username: 'system:gcp-controller-manager' }, ip: '::1', ua: controlPlane('gcp-controller-manager', GKE_VERSION, 'a1b2c3d') }, 'gcp-controller-manager'],
  ],
};

// ---- demo-aks: subscription 00000000-aaaa-4bbb-8ccc-000000000001, resource group rg-demo ----
export const AKS_SUBSCRIPTION = '6f1d2c3b-4a5e-4f60-9a7b-8c9d0e1f2a3b';
export const AKS_RESOURCE_ID = `/subscriptions/${AKS_SUBSCRIPTION}/resourceGroups/rg-demo/providers/Microsoft.ContainerService/managedClusters/demo-aks`;
const aksNode = (i: number, ip: string): Node => {
  const name = `aks-nodepool1-29475638-vmss00000${i}`;
  return { name, ip, user: nodeUser(name) };
};
export const AKS_MASTERCLIENT: UserInfo = { username: 'masterclient', groups: ['system:masters', 'system:authenticated'] };
export const AKS_SERVICE: Actor = { user: { username: 'aksService', groups: ['system:masters', 'system:authenticated'] }, ip: '172.31.51.172', ua: 'aks-operator/v0.0.0 (linux/amd64) kubernetes/$Format' };
export const aks: ClusterProfile = {
  name: 'demo-aks',
  provider: 'aks',
  policy: aksAdminOnly,
  version: K8S,
  gitCommit: COMMIT,
  nodes: [aksNode(0, '10.224.0.4'), aksNode(1, '10.224.0.5'), aksNode(2, '10.224.0.6')],
  controllerManager: { user: { username: 'system:kube-controller-manager' }, ip: '172.31.51.172', ua: controlPlane('kube-controller-manager') },
  scheduler: { user: { username: 'system:kube-scheduler' }, ip: '172.31.51.172', ua: controlPlane('kube-scheduler') },
  humans: [
    { user: AKS_MASTERCLIENT, ip: '198.51.100.41', ua: kubectl('windows/amd64', 'v1.30.4', 'a51b3b7') },
    { user: { username: 'lena.fischer@example.com', groups: ['9b2c0f4e-7d1a-4c3b-8e5f-2a6d9c1b0e7f', 'system:authenticated'], extra: { oid: ['1c7e5a2b-3d4f-4e6a-9b8c-7d6e5f4a3b2c'] } }, ip: '198.51.100.42', ua: kubectl('linux/amd64') },
  ],
  ci: { user: { username: 'd4c3b2a1-9e8f-4a7b-8c6d-5e4f3a2b1c0d', groups: ['e5f4a3b2-1c0d-4e9f-8a7b-6c5d4e3f2a1b', 'system:authenticated'] }, ip: '198.51.100.160', ua: 'kubectl/v1.31.1 (linux/amd64) kubernetes/948afe5' },
  apps: [APPS[0]!, APPS[3]!],
  podNet: '10.244',
  publicEndpoint: true,
  extraLeases: [[AKS_SERVICE, 'kubelet-serving-csr-approver']],
};

// ---- demo-onprem: kubeadm cluster in the company's data centre ----
const onpremNode = (name: string, ip: string): Node => ({ name, ip, user: nodeUser(name) });
export const ONPREM_ARGOCD: UserInfo = sa('kube-system', 'argocd-manager', '0d3c2b1a-8f7e-4d6c-9b5a-4e3d2c1b0a9f');
/** Where Argo CD on demo-eks reaches the on-prem API server from (the EKS VPC's NAT gateway). */
export const EKS_NAT_IP = '198.51.100.60';
export const onprem: ClusterProfile = {
  name: 'demo-onprem',
  provider: 'files',
  policy: onpremPolicy,
  version: 'v1.30.6',
  gitCommit: '00f20d4',
  nodes: [onpremNode('k8s-worker-01', '10.20.1.11'), onpremNode('k8s-worker-02', '10.20.1.12'), onpremNode('k8s-worker-03', '10.20.1.13')],
  controllerManager: { user: { username: 'system:kube-controller-manager' }, ip: '10.20.0.10', ua: controlPlane('kube-controller-manager', 'v1.30.6', '00f20d4') },
  scheduler: { user: { username: 'system:kube-scheduler' }, ip: '10.20.0.10', ua: controlPlane('kube-scheduler', 'v1.30.6', '00f20d4') },
  humans: [
    { user: { username: 'kubernetes-admin', groups: ['kubeadm:cluster-admins', 'system:authenticated'] }, ip: '10.20.200.15', ua: kubectl('linux/amd64', 'v1.30.6', '00f20d4') },
    { user: { username: 'oidc:sam.okafor', groups: ['oidc:platform', 'system:authenticated'] }, ip: '10.20.200.21', ua: kubectl('linux/amd64', 'v1.30.6', '00f20d4') },
  ],
  ci: { user: sa('ci', 'deployer', '7b6a5f4e-3d2c-4b1a-9f8e-7d6c5b4a3f2e'), ip: '10.20.50.8', ua: kubectl('linux/amd64', 'v1.30.6', '00f20d4') },
  apps: [APPS[0]!, APPS[1]!, APPS[3]!],
  podNet: '10.244',
  publicEndpoint: false,
  extraLeases: [],
};

export const CLUSTERS: readonly ClusterProfile[] = [eks, gke, aks, onprem];
