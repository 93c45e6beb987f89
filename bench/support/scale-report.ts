import { describeOutcomes } from './load-client.js';
import type { LoadReport } from './load-protocol.js';
import { markdownTable } from './markdown.js';
import type { ServerProbe } from './server-probes.js';
import { formatNumber, summarise } from './stats.js';
import type { TierFootprints } from './tier-footprint.js';

/** What was measured at one size of the SHARED tier. */
export interface SizeResult {
  tenants: number;
  insertedDirectly: number;
  sharedTasks: number;
  /** The server's own cost, probed while no gateway ran. */
  probe: ServerProbe;
  /** FerretDB CPU while the fresh gateway idled, in % of one core: the gateway's own polls. */
  idleDatabaseCpuPercent: number;
  report: LoadReport;
  /** Latencies of the answers without errors. */
  okLatenciesMs: number[];
}

const TARGET_RATIO = 1.1;

/** Tenant count, in the thousands-separated form the tables use. */
function count(value: number): string {
  return value.toLocaleString('en-US');
}

/** Latency of the measured tenant at each size, as a Markdown table. */
export function latencyTable(results: readonly SizeResult[]): string {
  const rows = results.map((result) => {
    const latency = summarise(result.okLatenciesMs);
    return [
      count(result.tenants),
      count(result.insertedDirectly),
      count(result.sharedTasks),
      formatNumber(latency.p50),
      formatNumber(latency.p99),
      String(result.report.completed),
      errorCell(result.report),
    ];
  });
  const headers = ['tenants', 'inserted directly', 'shared tasks', 'median (ms)', 'p99 (ms)'];
  return markdownTable([...headers, 'requests', 'errors'], rows);
}

/** What single queries and the gateway's idle polls cost the server, as a Markdown table. */
export function serverCostTable(results: readonly SizeResult[]): string {
  const rows = results.map((result) => [
    count(result.tenants),
    formatNumber(result.probe.tenantPageMs, 0),
    formatNumber(result.probe.suspensionPollMs, 0),
    formatNumber(result.idleDatabaseCpuPercent, 0),
  ]);
  return markdownTable(
    [
      'tenants',
      "one page of the tenant's tasks (ms)",
      'one suspension poll (ms)',
      'FerretDB CPU, gateway idle (% of a core)',
    ],
    rows,
  );
}

/** How often every gateway replica polls `organizations` for suspensions (src/tenancy). */
const SUSPENSION_POLL_INTERVAL_MS = 400;

/** A warning when a suspension poll alone outlasts the interval between polls. */
export function pollLines(results: readonly SizeResult[]): string[] {
  const slow = results.filter((r) => r.probe.suspensionPollMs > SUSPENSION_POLL_INTERVAL_MS);
  const first = slow[0];
  if (!first) return [];
  return [
    `At ${count(first.tenants)} tenants one suspension poll alone takes ${formatNumber(first.probe.suspensionPollMs, 0)} ms, longer than the ${SUSPENSION_POLL_INTERVAL_MS} ms between polls, and the gateway starts each poll on a timer whether or not the last one has finished: polls pile up on the server and in the gateway's connection pool, and the tenant's requests wait behind them.`,
    '',
  ];
}

function errorCell(report: LoadReport): string {
  const errors = report.completed - (report.outcomes.ok ?? 0);
  if (errors === 0) return '0';
  const kinds = Object.entries(report.outcomes).filter(([outcome]) => outcome !== 'ok');
  return `${errors} (${describeOutcomes(Object.fromEntries(kinds))})`;
}

/**
 * The ratio of the largest size's median to the smallest's, against the target; when the
 * largest size had no answer without error, also the ratio at the largest size that had one.
 */
export function ratioLines(results: readonly SizeResult[]): string[] {
  const first = results[0];
  const last = results[results.length - 1];
  if (!first || !last || first === last) return [];

  const lines = [ratioLine(first, last, true)];
  const answered = results.filter((result) => result.okLatenciesMs.length > 0);
  const largest = answered[answered.length - 1];
  if (last.okLatenciesMs.length === 0 && largest && largest !== first) {
    lines.push('', ratioLine(first, largest, false));
  }
  return lines;
}

function ratioLine(first: SizeResult, last: SizeResult, withTarget: boolean): string {
  const ratio = summarise(last.okLatenciesMs).p50 / summarise(first.okLatenciesMs).p50;
  const names = `${count(last.tenants)} : ${count(first.tenants)} tenants`;
  if (!Number.isFinite(ratio)) {
    return `Ratio of medians ${names}: **n/a**, no request at ${count(last.tenants)} tenants was answered in time (target ≤ ${TARGET_RATIO}: missed).`;
  }
  const verdict = ratio <= TARGET_RATIO ? 'met' : 'missed';
  const target = withTarget ? ` (target ≤ ${TARGET_RATIO}: ${verdict})` : '';
  return `Ratio of medians ${names}: **${formatNumber(ratio, 3)}**${target}.`;
}

/** Collections and indexes per tenant by tier, with how they were counted. */
export function tierLines(tiers: TierFootprints, databaseName: string): string[] {
  const rows = tiers.tiers.map((footprint) => [
    footprint.tier,
    String(footprint.collections),
    String(footprint.indexes),
    footprint.addedCollections.length > 0
      ? footprint.addedCollections.map((name) => `\`${name}\``).join(', ')
      : "none: its documents go to the tier's shared collections",
    footprint.moveMs === null ? '-' : formatNumber(footprint.moveMs, 0),
  ]);
  const first = tiers.firstTenant;
  const firstNames = first.addedCollections.map((name) => `\`${name}\``).join(', ') || 'none';
  return [
    '### Collections and indexes one tenant adds, by tier',
    '',
    `Counted with \`listDatabases\`, \`listCollections\` and \`listIndexes\` (database \`${databaseName}\` and every \`tg_…\`) on a gateway with the operator API: before the tenant existed, with it on SHARED, and after \`moveTenant\` to COLLECTION and then to DATABASE (each count after the move's clean-up removed the old placement).`,
    '',
    markdownTable(
      ['tier', 'collections per tenant', 'indexes per tenant', 'collections added', 'move (ms)'],
      rows,
      ['left', 'right', 'right', 'left', 'right'],
    ),
    '',
    `Once per cluster, the first SHARED tenant created the shared storage: ${first.collections} collections, ${first.indexes} indexes (${firstNames}).`,
    '',
  ];
}
