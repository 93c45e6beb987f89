/**
 * The tenantgate playground: GraphiQL 5 built from the project's own packages (no CDN), with a
 * bearer-token field sent on every request and a panel showing each operation's cost.
 * Bundled by scripts/build-playground.mjs; served by src/http/playground.ts.
 */
import { GraphiQL } from 'graphiql';
import { useMemo, useRef, useState, type ChangeEvent } from 'react';
import { createRoot } from 'react-dom/client';

import 'graphiql/style.css';

/** File names of the worker bundles, beside this module; set by the build's `define`. */
declare const PLAYGROUND_WORKERS: { editor: string; json: string; graphql: string };

/** Where operations go: this gateway, same origin, so the page's CSP can stay on 'self'. */
const ENDPOINT = '/graphql';

/** sessionStorage key of the token: it survives a reload but not the tab. */
const TOKEN_KEY = 'tenantgate.playground.token';

/** What GraphiQL passes to a fetcher (a subset of @graphiql/toolkit's types). */
interface FetcherParams {
  query: string;
  operationName?: string | null;
  variables?: unknown;
}

/** Per-request options from GraphiQL: the headers editor's content. */
interface FetcherOpts {
  headers?: Record<string, unknown>;
}

/** The gateway's `extensions.cost` (CONTRACT section 5). */
interface CostExtension {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}

/** The cost panel's content: the last operation's cost and HTTP status. */
interface CostReport {
  status: number;
  retryAfter: string | null;
  cost: CostExtension | null;
}

/** Monaco starts one worker per language; ours are bundled files of this origin, not a CDN's. */
function setUpMonacoWorkers(): void {
  const files: Record<string, string> = PLAYGROUND_WORKERS;

  (globalThis as { MonacoEnvironment?: unknown }).MonacoEnvironment = {
    getWorker(_workerId: string, label: string): Worker {
      const file = files[label] ?? files.editor;
      return new Worker(new URL(`./${file}`, import.meta.url), { name: label });
    },
  };
}

/** The page: a bar with the token field above GraphiQL, the cost panel under the result. */
function Playground() {
  const [token, setToken] = useState(readStoredToken);
  const [report, setReport] = useState<CostReport | null>(null);
  const tokenRef = useRef(token);

  // One fetcher for the page's life: a new one would make GraphiQL introspect again.
  const fetcher = useMemo(() => createFetcher(() => tokenRef.current, setReport), []);

  const changeToken = (value: string) => {
    tokenRef.current = value;
    setToken(value);
    storeToken(value);
  };

  return (
    <div className="tg-page">
      <TokenBar token={token} onChange={changeToken} />
      <div className="tg-graphiql">
        <GraphiQL fetcher={fetcher} defaultQuery={DEFAULT_QUERY}>
          <GraphiQL.Logo>tenantgate</GraphiQL.Logo>
          <GraphiQL.Footer>
            <CostPanel report={report} />
          </GraphiQL.Footer>
        </GraphiQL>
      </div>
    </div>
  );
}

/** The field where the user pastes the token that `login` or `createOrganization` returned. */
function TokenBar({ token, onChange }: { token: string; onChange(value: string): void }) {
  const edit = (event: ChangeEvent<HTMLInputElement>) => onChange(event.target.value);

  return (
    <header className="tg-bar">
      <strong className="tg-brand">tenantgate playground</strong>
      <label className="tg-token">
        <span>Bearer token</span>
        <input
          data-testid="token-input"
          type="text"
          value={token}
          onChange={edit}
          placeholder="paste the token from login or createOrganization; sent as Authorization: Bearer …"
          spellCheck={false}
          autoComplete="off"
        />
      </label>
      <button type="button" className="tg-clear" onClick={() => onChange('')} disabled={!token}>
        Clear
      </button>
    </header>
  );
}

/** The last operation's `extensions.cost`, in words, under the result pane. */
function CostPanel({ report }: { report: CostReport | null }) {
  if (!report) {
    return (
      <div className="tg-cost" data-testid="cost-panel">
        Run an operation to see its cost.
      </div>
    );
  }

  const { cost, status, retryAfter } = report;
  const throttle = cost?.throttleStatus;
  return (
    <div className="tg-cost" data-testid="cost-panel" data-status={status}>
      <span>
        Requested <b data-testid="cost-requested">{cost?.requestedQueryCost ?? '–'}</b>
      </span>
      <span>
        Actual <b data-testid="cost-actual">{cost ? (cost.actualQueryCost ?? 'none ran') : '–'}</b>
      </span>
      <span>
        Budget{' '}
        <b data-testid="cost-available">
          {throttle
            ? `${format(throttle.currentlyAvailable)} / ${format(throttle.maximumAvailable)}`
            : '–'}
        </b>
        {throttle ? ` (+${format(throttle.restoreRate)}/s)` : ''}
      </span>
      <span>HTTP {status}</span>
      {retryAfter ? <span className="tg-throttled">retry after {retryAfter} s</span> : null}
    </div>
  );
}

/** A fetcher that POSTs JSON to the gateway with the token, and reports each cost. */
function createFetcher(tokenOf: () => string, onReport: (report: CostReport) => void) {
  return async (params: FetcherParams, opts?: FetcherOpts) => {
    const response = await fetch(ENDPOINT, {
      method: 'POST',
      headers: requestHeaders(tokenOf(), opts?.headers),
      body: JSON.stringify(params),
    });

    const body = await readBody(response);

    // GraphiQL's own schema request is not the user's operation; keep the panel on theirs.
    if (params.operationName !== 'IntrospectionQuery') {
      onReport({
        status: response.status,
        retryAfter: response.headers.get('retry-after'),
        cost: costOf(body),
      });
    }
    return body;
  };
}

/** JSON content type (Apollo's CSRF check wants it), the token, then the headers editor's. */
function requestHeaders(token: string, edited: Record<string, unknown> = {}): Headers {
  const headers = new Headers({
    'content-type': 'application/json',
    accept: 'application/graphql-response+json, application/json;q=0.9',
  });
  const bare = token.trim().replace(/^Bearer\s+/i, '');

  if (bare) headers.set('authorization', `Bearer ${bare}`);

  // An Authorization header typed into the headers editor wins over the field.
  for (const [name, value] of Object.entries(edited)) headers.set(name, String(value));
  return headers;
}

/** The response as GraphiQL wants it; a body that is not JSON becomes one error. */
async function readBody(response: Response): Promise<Record<string, unknown>> {
  const text = await response.text();

  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { errors: [{ message: `HTTP ${response.status}: ${text.slice(0, 500)}` }] };
  }
}

function costOf(body: Record<string, unknown>): CostExtension | null {
  const extensions = body.extensions as { cost?: CostExtension } | undefined;
  return extensions?.cost ?? null;
}

function format(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: 1 });
}

function readStoredToken(): string {
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    return ''; // storage may be disabled; the field still works for this page's life
  }
}

function storeToken(token: string): void {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // storage disabled: nothing to keep
  }
}

/** The query editor's content on a first visit. */
const DEFAULT_QUERY = `# tenantgate playground
#
# 1. Log in (or sign up with createOrganization):
#
#    mutation {
#      login(input: { email: "you@example.com",
#                     password: "..." }) { token }
#    }
#
# 2. Paste the token into "Bearer token" above;
#    it is sent with every request.
# 3. Run operations. extensions.cost in each result,
#    also shown under it, is what the operation cost
#    and what is left of your organization's budget.

query Me {
  viewer { email role }
  organization { name plan }
  quota { currentlyAvailable maximumAvailable }
}
`;

setUpMonacoWorkers();
createRoot(document.getElementById('root')!).render(<Playground />);
