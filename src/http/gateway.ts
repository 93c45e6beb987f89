import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { PasswordHasher } from '../auth/passwords.js';
import { RefreshTokenStore } from '../auth/refresh-tokens.js';
import { RevocationRegistry } from '../auth/revocation.js';
import { TokenService } from '../auth/tokens.js';
import type { Config } from '../config/config.js';
import type { Logger } from '../logger.js';
import { buildGatewaySchema } from '../schema/build-schema.js';
import type { GatewayServices } from '../schema/gateway-services.js';
import { FieldRateLimits } from '../quota/field-limits.js';
import { effectiveLimits } from '../quota/plans.js';
import { memoryQuotaState, redisQuotaState, type QuotaState } from '../quota/shared-state.js';
import { ClusterSet, MASTER_CLUSTER } from '../storage/clusters.js';
import { redisBroadcast, type Broadcast } from '../storage/broadcast.js';
import { connectRedis, redisAnswers } from '../storage/redis.js';
import { startEmbeddedServer, type EmbeddedServer } from '../storage/embedded-server.js';
import { MemberRepository } from '../tenancy/members.js';
import { OrganizationLifecycle } from '../tenancy/organization-lifecycle.js';
import { OrganizationRepository } from '../tenancy/organizations.js';
import { PlacementResolver } from '../tenancy/placement.js';
import { TenantStores } from '../tenancy/tenant-stores.js';
import { MoveRegistry } from '../tenancy/moves/move-registry.js';
import { DEFAULT_MOVER_OPTIONS, TenantMover } from '../tenancy/moves/tenant-mover.js';
import { SuspensionRegistry } from '../tenancy/suspensions.js';
import { UsageMeter } from '../tenancy/usage-meter.js';
import { createApp } from './app.js';
import { GatewayMetrics } from './metrics.js';

/** A running gateway. */
export interface RunningGateway {
  url: string;
  stop(): Promise<void>;
}

/** Starts storage, services and the HTTP server; resolves once it listens. */
export async function startGateway(config: Config, log: Logger): Promise<RunningGateway> {
  if (config.jwtSecretGenerated) {
    log.warn(
      'JWT_SECRET is not set: using a random per-process secret; tokens die with this process',
    );
  }
  logSigningKeys(config, log);

  const embedded = config.mongodbUri
    ? null
    : await startEmbeddedServer(config.toolsDir, config.dataDir, log);
  const masterUri = config.mongodbUri ?? `${embedded?.uri}tenantgate`;
  const clusters = new ClusterSet(log.child({ component: 'storage' }));
  await clusters.connect(MASTER_CLUSTER, masterUri, config.mongodbPoolSize);
  for (const cluster of config.extraClusters) {
    await clusters.connect(cluster.name, cluster.uri, config.mongodbPoolSize, false);
  }

  const redis = config.redisUrl
    ? connectRedis(config.redisUrl, log.child({ component: 'redis' }), config.redisCommandTimeoutMs)
    : null;
  const quotaState = redis
    ? redisQuotaState(redis, config.replicas, log.child({ component: 'quota' }))
    : memoryQuotaState();
  const broadcast = redis ? redisBroadcast(redis, log.child({ component: 'broadcast' })) : null;
  const services = await createServices(config, clusters, quotaState, broadcast, log);
  const httpServer = createServer();
  const readiness = async () => ({
    checks: {
      ...Object.fromEntries(
        await Promise.all(
          clusters
            .all()
            .map(async (cluster) => [cluster.name, await clusters.healthy(cluster.name)]),
        ),
      ),
      // Bounded: a Redis that hangs is reported down after one command timeout.
      ...(redis ? { redis: await redisAnswers(redis, config.redisCommandTimeoutMs) } : {}),
    },
    required: [MASTER_CLUSTER, ...(redis ? ['redis'] : [])],
  });
  const metrics = new GatewayMetrics(clusters);
  const schema = await buildGatewaySchema();
  const { app, apollo } = await createApp(
    config,
    schema,
    services,
    httpServer,
    readiness,
    metrics,
    quotaState,
  );
  httpServer.on('request', app);

  await listen(httpServer, config.port, config.host);
  const { port } = httpServer.address() as AddressInfo;
  const url = `http://${config.host}:${port}`;
  log.info(
    { url, database: clusters.master.db.databaseName, embedded: embedded !== null },
    embedded
      ? 'tenantgate listening, using the embedded FerretDB'
      : 'tenantgate listening, using MONGODB_URI',
  );

  return {
    url,
    stop: async () => {
      await stop(services, apollo, clusters, embedded);
      broadcast?.close();
      redis?.disconnect();
    },
  };
}

async function createServices(
  config: Config,
  clusters: ClusterSet,
  quotaState: QuotaState,
  broadcast: Broadcast | null,
  log: Logger,
): Promise<GatewayServices> {
  const { plans } = config;
  const masterDb = clusters.master.db;
  const organizations = new OrganizationRepository(masterDb);
  const members = new MemberRepository(masterDb);
  await organizations.ensureIndexes();
  await members.ensureIndexes();

  const revocations = new RevocationRegistry(
    masterDb,
    config.jwtTtlMs,
    log.child({ component: 'revocation' }),
  );
  await revocations.start(broadcast ?? undefined);
  const refreshTokens = new RefreshTokenStore(
    masterDb,
    config.jwtRefreshTtlMs,
    revocations,
    log.child({ component: 'refresh-tokens' }),
  );
  await refreshTokens.start();

  const placements = new PlacementResolver(clusters);
  const moves = new MoveRegistry(masterDb);
  await moves.ensureIndexes();
  const stores = new TenantStores(placements, moves, async (tenantId) => {
    const fresh = await organizations.findFresh(tenantId);
    if (!fresh) throw new Error('the organization is gone');
    return fresh;
  });
  const defaultPlacement = { tier: config.defaultTier, cluster: MASTER_CLUSTER };
  const lifecycleLog = log.child({ component: 'lifecycle' });
  const lifecycle = new OrganizationLifecycle(
    organizations,
    members,
    stores,
    revocations,
    defaultPlacement,
    lifecycleLog,
  );
  await lifecycle.start();

  const suspensions = new SuspensionRegistry(
    organizations.collection,
    log.child({ component: 'suspensions' }),
  );
  await suspensions.start(broadcast ?? undefined);
  const usage = new UsageMeter(masterDb, log.child({ component: 'usage' }));
  await usage.start();
  const mover = new TenantMover(
    moves,
    organizations,
    placements,
    log.child({ component: 'mover' }),
    {
      ...DEFAULT_MOVER_OPTIONS,
      ...config.moves,
    },
  );
  await mover.startRecovery();

  return {
    log,
    passwords: new PasswordHasher(config.scryptCostLog2),
    tokens: new TokenService(config.signingKeys, config.jwtTtlMs),
    revocations,
    refreshTokens,
    organizations,
    members,
    lifecycle,
    stores,
    fieldLimits: new FieldRateLimits(quotaState),
    limitsOf: (organization) =>
      effectiveLimits(plans, organization.plan, organization.quotaOverride),
    anonymousLimits: plans.FREE,
    clusters,
    suspensions,
    usage,
    moves,
    mover,
    quotaBuckets: quotaState.buckets,
    operatorKeyDigest: config.operatorApiKey
      ? createHash('sha256').update(config.operatorApiKey).digest()
      : null,
  };
}

/** Names the keys (never their material), so an operator can follow a rotation in the log. */
function logSigningKeys(config: Config, log: Logger): void {
  const { signer, keys } = config.signingKeys;
  log.info(
    { signingKid: signer.kid, verifyingKids: keys.map((key) => `${key.kid} (${key.alg})`) },
    `access tokens are signed with key "${signer.kid}" (${signer.alg})`,
  );
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
}

async function stop(
  services: GatewayServices,
  apollo: { stop(): Promise<void> },
  clusters: ClusterSet,
  embedded: EmbeddedServer | null,
): Promise<void> {
  await apollo.stop(); // stops accepting, lets in-flight operations finish (drain plugin)
  services.lifecycle.stop();
  services.revocations.stop();
  services.refreshTokens.stop();
  services.suspensions.stop();
  services.mover.stop();
  await services.usage.stop().catch(() => undefined);
  await clusters.close();
  await embedded?.stop();
}
