import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createCA, localServerCertificate } from '../support/certs';
import { costscale, REPO, startCostscale, waitForReady } from '../support/cli';
import { freePort, waitFor } from '../support/ports';
import type { ManagedProcess } from '../support/processes';
import { startPrometheus, toOpenMetrics, type PrometheusHandle } from '../support/prometheus';
import type {
  Anomaly,
  Budget,
  DecisionRecord,
  Forecast,
  List,
  Overview,
  Recommendation,
} from '../../adapter/src/server/rest/client-types';
import { startGrafanaStandIn, type GrafanaStandIn } from './grafanaStandIn';

// The Grafana app plugin end to end, in headless Chromium: the built plugin (grafana-plugin/dist)
// runs in a harness page that stands in for Grafana's frontend, its proxy routes and settings API go
// through a stand-in of Grafana's server to a real costscale adapter, which decides from a real
// Prometheus holding four days of daily-seasonal demand. The test configures the plugin on its
// configuration page, then checks that every page shows the adapter's data, creates a budget through
// the UI and saves a screenshot of each page under test/artifacts/grafana-plugin/.

const PLUGIN_ID = 'costscale-autoscaling-app';
const PLUGIN_DIR = join(REPO, 'grafana-plugin');
const ARTIFACTS = join(REPO, 'test', 'artifacts', 'grafana-plugin');
const DAY = 86_400;

const now = Math.floor(Date.now() / 1000);
/** Requests per second: a daily cycle between 40 and 160 with deterministic noise. */
const demandAt = (t: number): number =>
  100 + 60 * Math.sin((2 * Math.PI * t) / DAY) + 8 * Math.sin(t * 12.9898);
/**
 * The daily budget's time zone: a fixed UTC offset under which it is now between 12:00 and 13:00, so its
 * spend, threshold and exhaustion are the same whatever the time of day the test runs (issue 16).
 */
const offsetHours = 12 - Math.floor((now % DAY) / 3600);
// IANA's Etc/GMT zones count the other way round: Etc/GMT-3 is UTC+3.
const dailyTimeZone =
  offsetHours === 0 ? 'Etc/UTC' : `Etc/GMT${offsetHours > 0 ? '-' : '+'}${Math.abs(offsetHours)}`;
/** Start of the daily budget's period (local midnight), epoch seconds. */
const todayStart = now - ((now + offsetHours * 3600) % DAY);
/** Hours of the daily budget's period so far: 12 to 13. */
const hoursToday = (now - todayStart) / 3600;
/** Promo demand: two quiet days around 50 req/s, then ten times that from 20 minutes ago on (an anomaly). */
const PROMO_SPIKE = now - 20 * 60;
const promoAt = (t: number): number => (t >= PROMO_SPIKE ? 500 : 50 + 3 * Math.sin(t * 12.9898));
/** Spend backfilled over today at this rate, so the budget's spend is known. */
const COST_PER_HOUR = 0.8;

let work: string;
let exporter: Server;
let prometheus: PrometheusHandle;
let adapter: ManagedProcess;
let apiPort: number;
let ca: string;
let token: string;
let standIn: GrafanaStandIn;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

/** The adapter's REST API as an admin client would call it. */
function api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port: apiPort,
        path,
        method,
        ca,
        servername: 'localhost',
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: 'application/json',
          ...(payload !== undefined && { 'Content-Type': 'application/json' }),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, json: (text ? JSON.parse(text) : undefined) as T }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Builds a workspace script of the plugin (the test always runs the current source). */
function buildPlugin(script: string): void {
  const result = spawnSync('npm', ['run', script, '-w', 'grafana-plugin'], { cwd: REPO, encoding: 'utf8' });
  if (result.status !== 0)
    throw new Error(`npm run ${script} -w grafana-plugin failed:\n${result.stdout}\n${result.stderr}`);
}

async function screenshot(name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

async function open(path: string, testId: string): Promise<void> {
  await page.goto(`${standIn.url}${path}`);
  await page.getByTestId(testId).first().waitFor({ timeout: 30_000 });
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  buildPlugin('build');
  buildPlugin('build:harness');

  work = await mkdtemp(join(tmpdir(), 'costscale-plugin-e2e-'));
  // Demand now, served live so Prometheus always has a fresh sample.
  const exporterPort = await freePort();
  exporter = createServer((_req, res) =>
    res.end(
      `# TYPE shop_demand gauge\nshop_demand{job="demand",instance="shop",service="checkout"} ${demandAt(Date.now() / 1000).toFixed(3)}\n` +
        `shop_demand{job="demand",instance="shop",service="promo"} ${promoAt(Date.now() / 1000).toFixed(3)}\n`,
    ),
  ).listen(exporterPort, '127.0.0.1');
  const demand: Array<[number, number]> = [];
  for (let t = now - 4 * DAY; t <= now - 60; t += 60) demand.push([t, Number(demandAt(t).toFixed(3))]);
  const promo: Array<[number, number]> = [];
  for (let t = now - 2 * DAY; t <= now - 60; t += 60) promo.push([t, Number(promoAt(t).toFixed(3))]);
  const spend: Array<[number, number]> = [];
  for (let t = todayStart; t <= now - 60; t += 60) spend.push([t, COST_PER_HOUR]);
  prometheus = await startPrometheus({
    targets: [`127.0.0.1:${exporterPort}`],
    honorLabels: true,
    backfill: toOpenMetrics([
      {
        name: 'shop_demand',
        labels: { job: 'demand', instance: 'shop', service: 'checkout' },
        samples: demand,
      },
      { name: 'shop_demand', labels: { job: 'demand', instance: 'shop', service: 'promo' }, samples: promo },
      { name: 'costscale_cost_per_hour', labels: { namespace: 'shop', policy: 'checkout' }, samples: spend },
    ]),
  });

  const authority = createCA('costscale e2e CA');
  const serving = localServerCertificate(authority);
  ca = authority.cert;
  await writeFile(join(work, 'tls.crt'), serving.cert);
  await writeFile(join(work, 'tls.key'), serving.key);
  apiPort = await freePort();
  const metricsPort = await freePort();
  // The daily budget is set so that today's backfilled spend puts it past its warning threshold, and
  // the rest of the day at that rate past its amount.
  const dailyAmount = Number(((COST_PER_HOUR * hoursToday) / 0.85).toFixed(2));
  const config = join(work, 'costscale.yaml');
  await writeFile(
    config,
    `prometheus:
  default: { url: '${prometheus.url}', timeoutSeconds: 5, retries: 0, cacheSeconds: 0 }
budgets:
  - name: shop-daily
    period: daily
    timeZone: ${dailyTimeZone}
    amount: ${dailyAmount}
    scope: { namespaces: [shop] }
policies:
  - name: checkout
    namespace: shop
    target: { name: checkout }
    demand: { query: 'max(shop_demand{service="checkout"})' }
    capacityPerReplica: 20
    replicas: { min: 2, max: 20 }
    readinessDelaySeconds: 5
    resources: { cpuCores: 1, memoryGiB: 2 }
    budget: shop-daily
    schedules:
      - { name: always-two, days: [mon, tue, wed, thu, fri, sat, sun], from: '00:00', to: '23:59', minReplicas: 2 }
    forecast: { stepSeconds: 300, historyDays: 4, refitHours: 6 }
  - name: catalog
    namespace: shop
    target: { name: catalog }
    demand: { query: 'max(shop_demand{service="checkout"})' }
    capacityPerReplica: 20
    replicas: { min: 7, max: 12 }
    resources: { cpuCores: 1, memoryGiB: 2 }
    forecast: { enabled: false }
  - name: search
    namespace: shop
    target: { name: search }
    demand: { query: 'max(shop_demand{service="search"})' }
    capacityPerReplica: 50
    replicas: { min: 1, max: 10 }
    resources: { cpuCores: 0.5, memoryGiB: 1 }
server:
  host: 127.0.0.1
  port: ${apiPort}
  metricsPort: ${metricsPort}
  tls: { certFile: '${join(work, 'tls.crt')}', keyFile: '${join(work, 'tls.key')}' }
  auth: { mode: local }
database: { dataDir: '${join(work, 'pg')}', spoolFile: '${join(work, 'spool.jsonl')}' }
engine: { intervalSeconds: 2, stalenessSeconds: 30, hpaSyncSeconds: 2 }
# The page under test needs an offered recommendation: catalog's lower off-hours minimum adds a few
# SLO-miss minutes a day through the noisy gauge and the simulated scrape and tick lag.
recommendations: { slaToleranceMinutesPerDay: 15 }
log: { level: warn }
`,
  );
  // Keys live in the database, so the embedded one is on disk: the command writes the key, the
  // service then opens the same data folder.
  const created = await costscale([
    'apikey',
    'create',
    '--role',
    'admin',
    '--name',
    'grafana',
    '--json',
    '--config',
    config,
  ]);
  if (created.code !== 0) throw new Error(`costscale apikey create failed:\n${created.stderr}`);
  token = (JSON.parse(created.stdout) as { token: string }).token;

  // Recommendations from the same history, stored as the service's periodic job stores them.
  const recommended = await costscale(['recommend', '--config', config, '--save']);
  if (recommended.code !== 0) throw new Error(`costscale recommend failed:\n${recommended.stderr}`);
  adapter = startCostscale(['serve', '--config', config]);
  await waitForReady(adapter, metricsPort, 'the adapter to be ready');

  // Seed through the REST API: a policy and a budget managed by the API, and an override.
  const policy = await api('POST', '/api/v1/policies', {
    name: 'cart',
    namespace: 'shop',
    target: { name: 'cart' },
    demand: { query: 'max(shop_demand{service="checkout"}) / 4' },
    capacityPerReplica: 10,
    replicas: { min: 1, max: 20 },
    resources: { cpuCores: 0.5, memoryGiB: 1 },
  });
  expect(policy.status).toBe(201);
  const budget = await api('POST', '/api/v1/budgets', {
    name: 'shop-weekly',
    period: 'weekly',
    amount: 400,
    scope: { namespaces: ['shop'] },
  });
  expect(budget.status).toBe(201);
  // Promo's demand jumped tenfold 20 minutes ago: the engine finds the anomaly when it warm-starts it.
  const promoPolicy = await api('POST', '/api/v1/policies', {
    name: 'promo',
    namespace: 'shop',
    target: { name: 'promo' },
    demand: { query: 'max(shop_demand{service="promo"})' },
    capacityPerReplica: 50,
    replicas: { min: 1, max: 20 },
    resources: { cpuCores: 0.5, memoryGiB: 1 },
    forecast: { stepSeconds: 60, historyDays: 2 },
  });
  expect(promoPolicy.status).toBe(201);
  // Demand / 4 peaks at 42 (κ 10), so no time of day gives cart 12 replicas: the override always acts.
  const override = await api('PUT', '/api/v1/policies/shop/cart/override', {
    replicas: 12,
    ttlSeconds: 3600,
    reason: 'load test this afternoon',
  });
  expect(override.status).toBe(200);
  await waitFor(
    'decisions, a stored forecast and the budgets evaluated',
    async () => {
      const [decisions, forecast, budgets] = await Promise.all([
        api<List<DecisionRecord>>('GET', '/api/v1/decisions?policy=cart&limit=5'),
        api<Forecast>('GET', '/api/v1/policies/shop/checkout/forecast'),
        api<List<Budget>>('GET', '/api/v1/budgets'),
      ]);
      const anomalies = await api<List<Anomaly>>('GET', '/api/v1/anomalies?policy=promo&active=true');
      return (
        anomalies.json.items.length === 1 &&
        decisions.json.items.length >= 2 &&
        forecast.json.forecast !== null &&
        budgets.json.items.every((b) => b.status !== null)
      );
    },
    90_000,
  );

  standIn = await startGrafanaStandIn({
    pluginId: PLUGIN_ID,
    distDir: join(PLUGIN_DIR, 'dist'),
    harnessDir: join(PLUGIN_DIR, 'harness'),
    ca,
  });
  context = await chromium.launchPersistentContext(join(work, 'chromium'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1440, height: 1000 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (err) => pageErrors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    // The browser logs the answers the tests provoke on purpose (unconfigured, viewer) as errors too.
    if (msg.type() === 'error' && !/status of (502|403)\b/.test(msg.text()))
      pageErrors.push(`console: ${msg.text()}`);
  });
}, 300_000);

afterAll(async () => {
  await context?.close();
  await standIn?.close();
  await adapter?.stop();
  await prometheus?.destroy();
  exporter?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the costscale app plugin in a browser', () => {
  test('before it is configured, pages say the adapter cannot be reached', async () => {
    await open(`/a/${PLUGIN_ID}/overview`, 'data-testid error');
    await expect(page.getByTestId('data-testid error').textContent()).resolves.toMatch(/502/);
    expect(standIn.proxied.at(-1)).toMatchObject({ status: 502 });
    await screenshot('unconfigured');
  });

  test('the configuration page saves the adapter URL and key, and the connection test passes', async () => {
    await open(`/plugins/${PLUGIN_ID}`, 'data-testid adapter-url');
    await page.getByTestId('data-testid adapter-url').fill(`https://localhost:${apiPort}`);
    await page.getByTestId('data-testid api-key').fill(token);
    await page.getByTestId('data-testid save-settings').click();
    await page.waitForLoadState('load');
    await waitFor('the settings saved', async () => standIn.settingsPosts.length === 1);
    expect(standIn.settingsPosts[0]).toEqual({
      enabled: true,
      pinned: true,
      jsonData: { adapterUrl: `https://localhost:${apiPort}` },
      secureJsonData: { apiKey: token },
    });
    // After the reload the key shows as configured and the test goes through the proxy route.
    await page.getByTestId('data-testid test-connection').waitFor();
    await expect(page.getByTestId('data-testid api-key').inputValue()).resolves.toBe('configured');
    await page.getByTestId('data-testid test-connection').click();
    const result = page.getByTestId('data-testid connection-result');
    await result.getByText('Connected to costscale').waitFor();
    await expect(result.textContent()).resolves.toContain('with the admin role');
    await screenshot('configuration');
  });

  test('the overview shows spend, savings, policies by state and health from the adapter', async () => {
    await open(`/a/${PLUGIN_ID}/overview`, 'data-testid overview');
    const overview = (await api<Overview>('GET', '/api/v1/overview')).json;
    const policies = page.getByRole('region', { name: 'Policies' });
    for (const name of ['shop/cart', 'shop/catalog', 'shop/checkout', 'shop/search']) {
      await expect(policies.getByRole('link', { name }).count()).resolves.toBe(1);
    }
    await expect(page.getByTestId('data-testid overview-policies').textContent()).resolves.toContain(
      `${overview.counts.policies.total}`,
    );
    await expect(policies.textContent()).resolves.toContain('failing');
    await expect(policies.textContent()).resolves.toContain('override');
    const budgets = page.getByRole('region', { name: 'Spend against budgets' });
    await expect(budgets.textContent()).resolves.toMatch(/shop-daily.*shop-weekly/s);
    await expect(page.getByTestId('data-testid overview-health').textContent()).resolves.toMatch(
      /Databaseup/,
    );
    await screenshot('overview');
  });

  test('forecasts draw actual demand, the stored forecast bands and the replicas decided', async () => {
    await open(
      `/a/${PLUGIN_ID}/forecasts?policy=shop%2Fcheckout&from=now-6h&to=now`,
      'data-testid chart-forecast',
    );
    const chart = page.getByTestId('data-testid chart-forecast');
    const forecast = (await api<Forecast>('GET', '/api/v1/policies/shop/checkout/forecast')).json;
    await expect(
      chart.locator('[data-series="actual demand (requests/s)"]').getAttribute('d'),
    ).resolves.toMatch(/^M[\d.]+,[\d.]+L/);
    await expect(chart.locator('[data-series^="point forecast"]').getAttribute('d')).resolves.toMatch(/^M/);
    await expect(chart.locator('[data-series^="forecast "]').count()).resolves.toBeGreaterThan(0);
    await expect(chart.locator('[data-series="replicas decided"]').getAttribute('d')).resolves.toMatch(
      /^M.*H/,
    );
    const stats = page.getByTestId('data-testid forecast-accuracy');
    await expect(stats.textContent()).resolves.toContain(
      forecast.current.mode === 'forecast' ? 'forecast' : 'reactive',
    );
    await screenshot('forecasts');
  });

  test('recommendations show savings and the SLA check, and one is dismissed after confirmation', async () => {
    await open(`/a/${PLUGIN_ID}/recommendations`, 'data-testid recommendations-table');
    const [listed] = (await api<List<Recommendation>>('GET', '/api/v1/recommendations')).json.items;
    expect(listed).toMatchObject({ kind: 'schedule', policy: 'catalog', status: 'open' });
    const row = page.getByTestId('data-testid recommendations-table').locator('tbody tr').first();
    await expect(row.textContent()).resolves.toContain(listed!.summary);
    await expect(row.textContent()).resolves.toContain(`$${listed!.monthlySavings.toFixed(2)}`);
    await expect(row.textContent()).resolves.toContain(listed!.slaCheck.passed ? 'passed' : 'failed');
    await screenshot('recommendations');

    await row.getByRole('button', { name: 'Dismiss' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.textContent()).resolves.toContain('will no longer be offered');
    await dialog.getByRole('button', { name: 'Dismiss' }).click();
    await row.getByText('dismissed').waitFor();
    const after = await api<Recommendation>('GET', `/api/v1/recommendations/${listed!.id}`);
    expect(after.json.status).toBe('dismissed');
  });

  test('budgets show burn-down, projection and exhaustion, and a budget created in the UI shows up', async () => {
    await open(`/a/${PLUGIN_ID}/budgets`, 'data-testid budget-card');
    const daily = page.getByRole('region', { name: 'Budget shop-daily' });
    await daily.getByTestId('data-testid chart-burndown').waitFor();
    await expect(daily.locator('[data-series="budget left"]').getAttribute('d')).resolves.toMatch(/^M/);
    await expect(daily.locator('[data-series="projection"]').getAttribute('d')).resolves.toMatch(/^M/);
    const status = (await api<Budget>('GET', '/api/v1/budgets/shop-daily')).json.status;
    expect(status?.exhaustionAt).toEqual(expect.any(String));
    await expect(daily.locator('[data-series^="exhausted"]').count()).resolves.toBe(1);
    await expect(daily.getByRole('button', { name: /Edit/ }).getAttribute('aria-disabled')).resolves.toBe(
      'true',
    );
    await screenshot('budgets');

    await page.getByTestId('data-testid budget-create').click();
    const form = page.getByTestId('data-testid budget-form');
    await form.getByTestId('data-testid budget-name').fill('e2e-monthly');
    await form.getByTestId('data-testid budget-amount').fill('250');
    await form.getByRole('radio', { name: 'Monthly' }).check();
    await form.getByTestId('data-testid budget-save').click();
    await page.getByRole('region', { name: 'Budget e2e-monthly' }).waitFor();
    const created = await api<Budget>('GET', '/api/v1/budgets/e2e-monthly');
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({ source: 'api', spec: { amount: 250, period: 'monthly' } });
    // Once the engine has evaluated it, the new budget has its status and burn-down too.
    await waitFor(
      'the new budget evaluated',
      async () => (await api<Budget>('GET', '/api/v1/budgets/e2e-monthly')).json.status !== null,
    );
    await page.reload();
    await page
      .getByRole('region', { name: 'Budget e2e-monthly' })
      .getByTestId('data-testid chart-burndown')
      .waitFor();
    await screenshot('budget-created');
  });

  test('a viewer cannot change budgets: the proxy route needs Editor', async () => {
    standIn.role = 'Viewer';
    try {
      await open(`/a/${PLUGIN_ID}/budgets`, 'data-testid budget-card');
      await page
        .getByRole('region', { name: 'Budget shop-weekly' })
        .getByRole('button', { name: /Edit/ })
        .click();
      const form = page.getByTestId('data-testid budget-form');
      await form.getByTestId('data-testid budget-amount').fill('500');
      await form.getByTestId('data-testid budget-save').click();
      await form.getByText(/Permission denied/).waitFor();
      expect((await api<Budget>('GET', '/api/v1/budgets/shop-weekly')).json.spec.amount).toBe(400);
    } finally {
      standIn.role = 'Admin';
    }
  });

  test('the simulator replays the policy’s history against CPU HPAs tuned as the user asks', async () => {
    await open(`/a/${PLUGIN_ID}/simulator?from=now-2d&to=now`, 'data-testid simulator-run');
    await page.getByLabel('scale-down window (s)', { exact: true }).fill('120');
    await page.getByTestId('data-testid simulator-run').click();
    const result = page.getByTestId('data-testid simulator-result');
    await result.waitFor({ timeout: 60_000 });
    const text = await result.textContent();
    for (const target of ['0\\.6', '0\\.7', '0\\.8']) {
      expect(text).toMatch(
        new RegExp(`costscale:checkout: [\\d.]+ % (cheaper|dearer) than hpa-cpu:${target}`),
      );
    }
    // The adapter echoes what it ran: the CPU HPAs' window as asked, costscale's HPA its default.
    expect(text).toContain("Scale-down window of costscale's HPA: 0 s. The CPU HPA's: 120 s.");
    await expect(result.locator('tbody tr').count()).resolves.toBe(4);
    await screenshot('simulator');
  });

  test('decisions list the history and explain inputs, forecast and the bounds that acted', async () => {
    await open(
      `/a/${PLUGIN_ID}/decisions?policy=shop%2Fcart&from=now-1h&to=now`,
      'data-testid decisions-table',
    );
    const explanation = page.getByTestId('data-testid decision-explanation');
    await expect(
      explanation.getByRole('region', { name: 'Bounds that acted' }).textContent(),
    ).resolves.toContain('manual override: load test this afternoon');
    await expect(explanation.getByRole('region', { name: 'Inputs' }).textContent()).resolves.toContain(
      'max(shop_demand{service="checkout"}) / 4',
    );
    await expect(
      explanation.getByRole('region', { name: 'Forecast and decision' }).textContent(),
    ).resolves.toMatch(/Replicas decided12/);
    await screenshot('decisions');

    await open(
      `/a/${PLUGIN_ID}/decisions?policy=shop%2Fsearch&from=now-1h&to=now`,
      'data-testid decisions-table',
    );
    await expect(page.getByTestId('data-testid decision-explanation').textContent()).resolves.toContain(
      'No decision: inputs were unusable',
    );
  });

  test('anomalies list the demand spike the test caused, drawn with its expected band, and the decision names it', async () => {
    await open(
      `/a/${PLUGIN_ID}/anomalies?policy=shop%2Fpromo&from=now-1d&to=now`,
      'data-testid anomalies-table',
    );
    const [episode] = (await api<List<Anomaly>>('GET', '/api/v1/anomalies?policy=promo')).json.items;
    expect(episode).toMatchObject({ namespace: 'shop', signal: 'demand', active: true, endedAt: null });
    expect(Math.abs(Date.parse(episode!.startedAt) / 1000 - PROMO_SPIKE)).toBeLessThanOrEqual(60);
    const row = page.getByTestId('data-testid anomalies-table').locator('tbody tr').first();
    await expect(row.textContent()).resolves.toMatch(/shop\/promo.*demand.*active/);
    const chart = page.getByTestId('data-testid anomaly-chart');
    await expect(chart.locator('[data-series="demand (requests/s)"]').getAttribute('d')).resolves.toMatch(
      /^M[\d.]+,[\d.]+L/,
    );
    await expect(chart.locator('[data-series="expected band"]').getAttribute('d')).resolves.toMatch(/^M/);
    await expect(chart.locator('rect[data-series="demand anomaly"]').count()).resolves.toBe(1);
    await screenshot('anomalies');

    await open(
      `/a/${PLUGIN_ID}/decisions?policy=shop%2Fpromo&from=now-1h&to=now`,
      'data-testid decision-anomaly',
    );
    await expect(page.getByTestId('data-testid decision-anomaly').textContent()).resolves.toContain(
      'Demand is anomalous: the forecast is not trusted',
    );
  });

  test('nothing failed in the browser and every API call but the unconfigured one succeeded', () => {
    expect(pageErrors).toEqual([]);
    expect(standIn.proxied.filter((r) => r.status >= 400 && r.status !== 502 && r.status !== 403)).toEqual(
      [],
    );
  });

  test('the harness reported no errors', async () => {
    const errors = await page.evaluate(
      () => (globalThis as unknown as { harness: { errors: string[] } }).harness.errors,
    );
    expect(errors).toEqual([]);
  });
});
