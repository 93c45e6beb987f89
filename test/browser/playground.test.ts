import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTenant, PASSWORD, type TestTenant } from '../support/builders.js';
import { startGateway, type TestGateway } from '../support/gateway.js';

const root = path.resolve(import.meta.dirname, '../..');
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const SCREENSHOT = path.join(root, '.artifacts', 'playground.png');

/** What Chromium sends when it navigates to a page. */
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

// Quiet Chromium: this machine (and CI) has no network, and Chromium otherwise keeps trying.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const BROWSER_TEST = hasChromium
  ? 'logs in, runs a tenant query with the token and shows its cost, all from this origin'
  : `logs in through the playground (skipped: ${CHROMIUM} is missing; apt-get install chromium)`;

let gateway: TestGateway;
let tenant: TestTenant;

beforeAll(async () => {
  if (!existsSync(path.join(root, 'dist/playground/index.html'))) {
    throw new Error('dist/playground is missing: run `npm run build` (or npm test) first');
  }
  if (!hasChromium) {
    console.warn(`SKIPPED the Chromium test: ${CHROMIUM} is missing (apt-get install -y chromium)`);
  }
  gateway = await startGateway();
  tenant = await createTenant(gateway.url);
});

afterAll(async () => {
  await gateway?.stop();
});

describe('playground over HTTP', () => {
  it('serves the page to a browser, with a same-origin policy', async () => {
    const response = await fetch(`${gateway.url}/graphql`, { headers: { accept: BROWSER_ACCEPT } });
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('vary')).toContain('Accept');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(html).toContain('/graphql/playground/playground-');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('serves hashed bundles with long cache headers, and 404 for unknown ones', async () => {
    const page = await fetch(`${gateway.url}/graphql`, { headers: { accept: BROWSER_ACCEPT } });
    const html = await page.text();
    const script = /src="([^"]+\.js)"/.exec(html)![1];

    const asset = await fetch(`${gateway.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(asset.headers.get('content-type')).toContain('javascript');

    const missing = await fetch(`${gateway.url}/graphql/playground/nothing-here.js`);
    expect(missing.status).toBe(404);
  });

  it('leaves GraphQL GETs to Apollo, even from a browser', async () => {
    const url = `${gateway.url}/graphql?query=${encodeURIComponent('{ __typename }')}`;
    const response = await fetch(url, {
      headers: { accept: BROWSER_ACCEPT, 'apollo-require-preflight': 'true' },
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ data: { __typename: 'Query' } });

    const json = await fetch(`${gateway.url}/graphql`, { headers: { accept: 'application/json' } });
    expect(json.headers.get('content-type')).toContain('application/json');
  });
});

describe('playground in Chromium', () => {
  it.skipIf(!hasChromium)(
    BROWSER_TEST,
    async () => {
      const userDataDir = mkdtempSync(path.join(tmpdir(), 'tenantgate-chromium-'));
      const context = await chromium.launchPersistentContext(userDataDir, {
        executablePath: CHROMIUM,
        args: CHROMIUM_ARGS,
        headless: true,
        viewport: { width: 1400, height: 900 },
      });
      try {
        await drivePlayground(context);
      } finally {
        await context.close();
        rmSync(userDataDir, { recursive: true, force: true });
      }
    },
    120_000,
  );
});

/** Everything the test does in the page, with every request and console error recorded. */
async function drivePlayground(context: BrowserContext): Promise<void> {
  const seen = recordTraffic(context);
  const page = context.pages()[0] ?? (await context.newPage());
  const problems = recordProblems(page);
  await openPlayground(page);

  const token = await logInInTheEditor(page);
  await page.getByTestId('token-input').fill(token);

  const sent = page.waitForRequest((r) => (r.postData() ?? '').includes('organization'));
  const query = 'query Tenant { viewer { email } organization { name } }';
  const result = await runInTheEditor(page, query, 'Tenant');
  expect((await sent).headers().authorization).toBe(`Bearer ${token}`);
  expectTenantResult(result);
  await expectCostPanel(page, '2', '2');

  mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT });

  expect(foreign(seen)).toEqual([]);
  expect(problems).toEqual([]);
}

/** Opens the page and waits until GraphiQL has the schema and its editor. */
async function openPlayground(page: Page): Promise<void> {
  const schemaLoaded = page.waitForResponse((r) =>
    (r.request().postData() ?? '').includes('IntrospectionQuery'),
  );

  await page.goto(`${gateway.url}/graphql`);
  expect((await schemaLoaded).status()).toBe(200);
  await page.locator('.graphiql-query-editor .monaco-editor').waitFor();
}

function expectTenantResult(result: any): void {
  expect(result.data).toEqual({
    viewer: { email: tenant.ownerEmail },
    organization: { name: tenant.name },
  });
  // viewer and organization are object fields of 1 each; their scalars cost nothing.
  expect(result.extensions.cost).toMatchObject({
    requestedQueryCost: 2,
    actualQueryCost: 2,
    throttleStatus: { maximumAvailable: 1000, restoreRate: 50 },
  });
}

/** Types a login mutation into the editor, runs it, and reads the token from the result pane. */
async function logInInTheEditor(page: Page): Promise<string> {
  const login = `mutation LogIn { login(input: { email: "${tenant.ownerEmail}", password: "${PASSWORD}" }) { token member { email } } }`;
  const result = await runInTheEditor(page, login, 'LogIn');

  expect(result.data?.login?.member.email, JSON.stringify(result)).toBe(tenant.ownerEmail);
  expect(result.extensions.cost.requestedQueryCost).toBeGreaterThan(0);
  // The pane wraps the long token and indents the continuation; a JWT has no whitespace.
  return String(result.data.login.token).replace(/\s+/g, '');
}

/** Replaces the operation editor's text, presses Run, and parses the result pane. */
async function runInTheEditor(page: Page, operation: string, name: string): Promise<any> {
  await page.locator('.graphiql-query-editor .monaco-editor').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  // insertText bypasses Monaco's auto-closing of brackets and quotes, which typing would trigger.
  await page.keyboard.insertText(operation);
  await page.keyboard.press('Home'); // scrolls a long line back, for the screenshot
  // GraphiQL reads the operation name from the text a moment later; Run before that would send
  // the previous one. The tab shows the name once it has.
  await expect.poll(() => page.locator('.graphiql-tab-active').textContent()).toContain(name);

  const marker = await resultText(page);
  await page.locator('.graphiql-execute-button').click();

  let text = '';
  await expect
    .poll(async () => {
      text = await resultText(page);
      return text !== marker && isJson(text);
    })
    .toBe(true);
  return JSON.parse(text);
}

/** The result pane's text: Monaco renders each line as a positioned div, wrapped lines split. */
function resultText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const lines = [...document.querySelectorAll<HTMLElement>('.result-window .view-line')];
    return lines
      .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
      .map((line) => line.textContent ?? '')
      .join('')
      .replace(/\u00a0/g, ' ');
  });
}

async function expectCostPanel(page: Page, requested: string, actual: string): Promise<void> {
  await expect.poll(() => page.getByTestId('cost-requested').textContent()).toBe(requested);
  expect(await page.getByTestId('cost-actual').textContent()).toBe(actual);
  expect(await page.getByTestId('cost-available').textContent()).toMatch(/ \/ 1,000$/);
}

/** Every URL the pages, their workers and their sockets asked for. */
function recordTraffic(context: BrowserContext): string[] {
  const urls: string[] = [];

  context.on('request', (request) => urls.push(request.url()));
  context.on('page', (page) => watchPage(page, urls));
  for (const page of context.pages()) watchPage(page, urls);
  return urls;
}

function watchPage(page: Page, urls: string[]): void {
  page.on('worker', (worker) => urls.push(worker.url()));
  page.on('websocket', (socket) => urls.push(socket.url()));
}

/** The URLs that left the gateway's origin (data: and blob: never touch the network). */
function foreign(urls: string[]): string[] {
  const origin = new URL(gateway.url).origin;
  return urls.filter((url) => !/^(data|blob):/.test(url) && new URL(url).origin !== origin);
}

/** Uncaught errors and console errors, a CSP violation among them. */
function recordProblems(page: Page): string[] {
  const problems: string[] = [];

  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') {
      problems.push(`console: ${message.text()} (${message.location().url})`);
    }
  });
  return problems;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
