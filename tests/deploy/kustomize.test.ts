import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { PlatformConfig } from '@esm/common';
import { PROJECT_DIR } from '../../services/platform/src/config.js';
import { validateKubernetesObject } from '../support/kubernetes-schema.js';

const run = promisify(execFile);

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

async function findKubectl(): Promise<boolean> {
  try {
    await run('kubectl', ['version', '--client']);
    return true;
  } catch {
    return false;
  }
}

const hasKubectl = await findKubectl();
if (!hasKubectl) {
  // Visible in the test output: the rendering tests below are skipped, not passed.
  process.stderr.write('kubectl is not installed: skipping the kustomize rendering tests of deploy/ (install kubectl with kustomize to run them)\n');
}

async function render(folder: string): Promise<Manifest[]> {
  const { stdout } = await run('kubectl', ['kustomize', path.join(PROJECT_DIR, folder)], { maxBuffer: 10 * 1024 * 1024 });
  return parseAllDocuments(stdout).map((document) => {
    if (document.errors.length > 0) throw new Error(`kubectl kustomize ${folder} rendered invalid YAML: ${document.errors.join('; ')}`);
    return document.toJS() as Manifest;
  });
}

function find(manifests: Manifest[], kind: string, name: string): Manifest {
  const found = manifests.find((manifest) => manifest.kind === kind && manifest.metadata.name.startsWith(name));
  if (!found) throw new Error(`${kind} ${name} is missing from the rendered manifests`);
  return found;
}

type Pod = { automountServiceAccountToken?: boolean; securityContext: Record<string, unknown>; containers: Record<string, unknown>[] };

function podOf(deployment: Manifest): Pod {
  return (deployment.spec as unknown as { template: { spec: Pod } }).template.spec;
}

describe.skipIf(!hasKubectl)('deploy/base', () => {
  it('renders every expected kind', async () => {
    const kinds = new Set((await render('deploy/base')).map((manifest) => manifest.kind));
    for (const kind of ['Namespace', 'Deployment', 'Service', 'Gateway', 'HTTPRoute', 'NetworkPolicy', 'ServiceAccount', 'Role', 'RoleBinding', 'ConfigMap']) {
      expect(kinds, kind).toContain(kind);
    }
  });

  it('runs every container locked down', async () => {
    const deployments = (await render('deploy/base')).filter((manifest) => manifest.kind === 'Deployment');
    expect(deployments.map((deployment) => deployment.metadata.name).sort()).toEqual(['admin', 'default-backend', 'registration']);
    for (const deployment of deployments) {
      const pod = podOf(deployment);
      expect(pod.securityContext, deployment.metadata.name).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } });
      for (const container of pod.containers) {
        expect(container.securityContext, deployment.metadata.name).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
        expect(container.resources, deployment.metadata.name).toMatchObject({ requests: expect.any(Object), limits: expect.any(Object) });
      }
      expect(pod.automountServiceAccountToken, deployment.metadata.name).toBe(deployment.metadata.name === 'admin');
    }
  });

  it('grants admin only namespaced tenant kinds', async () => {
    const manifests = await render('deploy/base');
    expect(manifests.filter((manifest) => manifest.kind.startsWith('Cluster'))).toEqual([]);
    const role = find(manifests, 'Role', 'esm-admin-orchestrator') as unknown as { rules: { resources: string[]; verbs: string[] }[] };
    const resources = role.rules.flatMap((rule) => rule.resources).sort();
    expect(resources).toEqual(['deployments', 'httproutes', 'networkpolicies', 'secrets', 'services']);
    const secretRule = role.rules.find((rule) => rule.resources.includes('secrets'))!;
    expect(secretRule.verbs).not.toContain('list');
  });

  it('routes http to a 301 redirect', async () => {
    const manifests = await render('deploy/base');
    const gateway = find(manifests, 'Gateway', 'esm').spec as unknown as { listeners: { name: string; protocol: string; hostname: string }[] };
    expect(gateway.listeners.map((listener) => [listener.name, listener.protocol, listener.hostname])).toEqual([
      ['https', 'HTTPS', '*.esm.example'],
      ['http', 'HTTP', '*.esm.example'],
    ]);
    const redirect = find(manifests, 'HTTPRoute', 'http-to-https').spec as unknown as { parentRefs: { sectionName: string }[]; rules: unknown[] };
    expect(redirect.parentRefs[0]!.sectionName).toBe('http');
    expect(redirect.rules).toEqual([{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }]);
  });

  it('sends the wildcard to the default backend', async () => {
    const manifests = await render('deploy/base');
    const wildcard = find(manifests, 'HTTPRoute', 'default-backend').spec as unknown as { hostnames: string[]; rules: { backendRefs: { name: string }[] }[] };
    expect(wildcard.hostnames).toEqual(['*.esm.example']);
    expect(wildcard.rules[0]!.backendRefs[0]!.name).toBe('default-backend');
    const registration = find(manifests, 'HTTPRoute', 'registration').spec as unknown as { hostnames: string[] };
    expect(registration.hostnames).toEqual(['register.esm.example']);
    expect(manifests.some((manifest) => manifest.kind === 'HTTPRoute' && JSON.stringify(manifest).includes('"admin"'))).toBe(false);
  });
});

describe.skipIf(!hasKubectl)('deploy/overlays/example', () => {
  it('renders with its gateway class', async () => {
    const manifests = await render('deploy/overlays/example');
    expect((find(manifests, 'Gateway', 'esm').spec as unknown as { gatewayClassName: string }).gatewayClassName).toBe('example-gateway-class');
    expect(manifests.some((manifest) => manifest.kind === 'NetworkPolicy' && manifest.metadata.name === 'esm-tenant-mail-egress')).toBe(true);
  });

  it('gives tenants the platform image', async () => {
    const manifests = await render('deploy/overlays/example');
    const config = JSON.parse(find(manifests, 'ConfigMap', 'esm-platform-config').data!['platform.json']!) as PlatformConfig;
    expect(config.orchestrator?.kind).toBe('kubernetes');
    const images = manifests.filter((manifest) => manifest.kind === 'Deployment').map((deployment) => podOf(deployment).containers[0]!.image);
    expect(new Set(images)).toEqual(new Set([config.orchestrator?.kind === 'kubernetes' ? config.orchestrator.image : '']));
  });
});

describe.skipIf(!hasKubectl)('deploy settings for a cluster', () => {
  for (const folder of ['deploy/base', 'deploy/overlays/example']) {
    it(`${folder} matches the Kubernetes and Gateway API schemas`, async () => {
      const manifests = await render(folder);
      expect(manifests.length).toBeGreaterThan(0);
      for (const manifest of manifests) {
        expect.soft(() => validateKubernetesObject(manifest), `${manifest.kind} ${manifest.metadata.name}`).not.toThrow();
      }
    });

    it(`${folder} points services at the admin Service`, async () => {
      const manifests = await render(folder);
      const config = JSON.parse(find(manifests, 'ConfigMap', 'esm-platform-config').data!['platform.json']!) as PlatformConfig;
      expect(config.adminUrl).toBe('http://admin.esm.svc:8600');
      const service = find(manifests, 'Service', 'admin').spec as unknown as { ports: { port: number }[] };
      expect(service.ports[0]!.port).toBe(8600);
    });

    it(`${folder} keeps the SMTP password in a Secret`, async () => {
      const manifests = await render(folder);
      const config = JSON.parse(find(manifests, 'ConfigMap', 'esm-platform-config').data!['platform.json']!) as PlatformConfig;
      expect(config.mail.smtp?.password).toBeUndefined();
      expect(config.mail.smtp?.passwordFile).toBe('/etc/esm/smtp/password');
      for (const name of ['admin', 'registration']) {
        const pod = podOf(find(manifests, 'Deployment', name)) as Pod & { volumes: { name: string; secret?: { secretName: string } }[] };
        expect(pod.volumes.find((volume) => volume.name === 'smtp-password')?.secret?.secretName, name).toBe('esm-smtp');
        const mounts = pod.containers[0]!.volumeMounts as { name: string; mountPath: string }[];
        expect(mounts.find((mount) => mount.name === 'smtp-password')?.mountPath, name).toBe('/etc/esm/smtp');
      }
    });
  }
});

describe('deploy/base/platform.json', () => {
  it('names the kubernetes orchestrator', async () => {
    const config = JSON.parse(await readFile(path.join(PROJECT_DIR, 'deploy/base/platform.json'), 'utf8')) as PlatformConfig;
    expect(config.orchestrator).toMatchObject({ kind: 'kubernetes', namespace: 'esm', gateway: { name: 'esm', listener: 'https' } });
  });
});
