import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from '../support/cli';
import { freePort, waitFor } from '../support/ports';
import { startPrometheus, type PrometheusHandle } from '../support/prometheus';
import { run, startProcess, type ManagedProcess } from '../support/processes';
import { WEB_POLICY_YAML, webReplicasMetric } from '../support/web-policy';

// The image (deploy/image/Dockerfile) cannot be built here (no container engine), so this runs what it
// runs: deploy/image/install-runtime.sh lays out the runtime tree from this checkout, and `costscale
// serve` runs from it as the Deployment runs it — the uid 65532, the tree not writable (the Deployment's
// readOnlyRootFilesystem), only a data directory and a temp directory writable, `costscale` found on the
// PATH the image sets — against a real Prometheus with the embedded PostgreSQL. It fails when the
// runtime needs a devDependency, a file the script does not copy, or a write outside the volumes.

const SERVING_UID = 65532;
let root: string;
let app: string;
let prom: PrometheusHandle;
let server: ManagedProcess | undefined;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'costscale-image-'));
  // mkdtemp makes the directory 0700; the serving uid must reach the tree and the volumes inside it.
  await chmod(root, 0o755);
  app = join(root, 'app');
  await run('bash', [join(REPO, 'deploy/image/install-runtime.sh'), REPO, app]);
  prom = await startPrometheus();
}, 240_000);

afterAll(async () => {
  await server?.stop();
  await prom?.destroy();
  if (!root) return;
  await run('chmod', ['-R', 'u+w', root]);
  await rm(root, { recursive: true, force: true });
});

test('the runtime tree holds the production dependencies only', async () => {
  // Installed where Node resolves them from the adapter: its own node_modules, or hoisted to the root's.
  const installed = (name: string) =>
    [join(app, 'adapter/node_modules', name), join(app, 'node_modules', name)].some((dir) => existsSync(dir));
  const rootManifest = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as {
    devDependencies: Record<string, string>;
  };
  const adapterManifest = JSON.parse(await readFile(join(REPO, 'adapter/package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const dependencies = Object.keys(adapterManifest.dependencies);
  expect(dependencies.filter((name) => !installed(name))).toEqual([]);
  // The build and test tooling stays out (some devDependencies, such as @types/node, are also
  // dependencies of a production dependency and rightly present).
  const tooling = ['typescript', 'jest', 'eslint', 'prettier', '@swc/core', 'fast-check'];
  expect(Object.keys(rootManifest.devDependencies)).toEqual(expect.arrayContaining(tooling));
  expect(tooling.filter(installed)).toEqual([]);
});

test('costscale serves from the read-only tree as the uid 65532, writing only to its volumes', async () => {
  const data = join(root, 'data');
  const scratch = join(root, 'tmp');
  await mkdir(data);
  await mkdir(scratch);
  const port = await freePort();
  const metricsPort = await freePort();
  const config = join(root, 'config.yaml');
  await writeFile(
    config,
    `prometheus:
  default: { url: '${prom.url}' }
${WEB_POLICY_YAML}server: { host: 127.0.0.1, port: ${port}, metricsPort: ${metricsPort}, auth: { mode: local } }
database: { dataDir: '${join(data, 'pg')}', spoolFile: '${join(data, 'decisions.spool.jsonl')}' }
engine: { intervalSeconds: 1, stalenessSeconds: 120 }
`,
  );
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    // Root writes through any mode bits: serve as the Deployment's uid, which owns only the volumes.
    await chown(data, SERVING_UID, SERVING_UID);
    await chown(scratch, SERVING_UID, SERVING_UID);
  } else {
    await run('chmod', ['-R', 'a-w', app]);
  }
  server = startProcess('costscale', ['serve', '--config', config], {
    cwd: app,
    env: {
      PATH: `${join(app, 'bin')}:${process.env.PATH ?? ''}`,
      HOME: app,
      TMPDIR: scratch,
      NODE_ENV: 'production',
    },
    ...(asRoot ? { uid: SERVING_UID, gid: SERVING_UID } : {}),
  });
  let last = '';
  await waitFor(
    'costscale_replicas from the runtime tree',
    async () => {
      if (server?.child.exitCode !== null) throw new Error(`costscale exited:\n${server?.output() ?? ''}`);
      const answer = await webReplicasMetric(port).catch((e: Error) => ({
        status: 0,
        body: { kind: e.message },
      }));
      last = JSON.stringify(answer);
      return answer.status === 200;
    },
    60_000,
  ).catch((e: Error) => {
    throw new Error(`${e.message}; last answer ${last}; output:\n${server?.output() ?? ''}`);
  });
  const { body } = await webReplicasMetric(port);
  // shop/web: demand 42 over a capacity of 10.
  expect(body.items?.map((i) => i.value)).toEqual(['5']);
  await server.stop('SIGTERM');
  expect([server.child.exitCode, server.child.signalCode]).toEqual([0, null]);
  // The embedded database was written to the data volume.
  expect((await readdir(join(data, 'pg'))).length).toBeGreaterThan(0);
}, 120_000);
