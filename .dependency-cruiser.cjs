/**
 * The layer rules of docs/architecture.md as code: `npm run lint` runs `depcruise src` with this file,
 * so an import against them fails CI (test/docs/layer-rules.test.ts proves a wrong import is caught).
 * Each rule names the layer it protects; `comment` is what the failure says. Where the code does not
 * yet meet the architecture (issue "the house"), the exception is written here, named, and narrow.
 */
const FEATURES = '^src/(accounts|announcements|lists|mail|scheduler)/';
const DRIVERS = {
  store: '(^|/)node_modules/(pg|better-sqlite3)/',
  mail: '(^|/)node_modules/nodemailer/',
  redis: '(^|/)node_modules/ioredis/',
  smtp: '(^|/)node_modules/smtp-server/',
  websocket: '(^|/)node_modules/ws/',
};

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import circle: split the shared part into a file both import (see src/adapters/store/store-database.ts).',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'shared-is-the-floor',
      severity: 'error',
      comment: 'src/shared/ is the bottom floor: it imports nothing of Renraku but itself.',
      from: { path: '^src/shared/' },
      to: { path: '^src/', pathNot: '^src/shared/' },
    },
    {
      name: 'config-imports-nothing',
      severity: 'error',
      comment: 'src/config/ is read by every layer and imports none of them.',
      from: { path: '^src/config/' },
      to: { path: '^src/', pathNot: '^src/(config|shared)/' },
    },
    {
      name: 'protocol-is-pure',
      severity: 'error',
      comment: 'src/protocol/ (Phoenix frames) imports nothing of Renraku; the frame bounds come from config/limits.ts (to be passed in: issue "the house").',
      from: { path: '^src/protocol/' },
      to: { path: '^src/', pathNot: '^src/(protocol/|shared/|config/limits\\.ts$)' },
    },
    {
      name: 'domain-knows-no-feature',
      severity: 'error',
      comment: 'src/domain/ imports only config/ and shared/. Exception (the remaining debt): store.ts names the features\' repository ports, as types only.',
      from: { path: '^src/domain/' },
      to: { path: '^src/', pathNot: '^src/(domain|config|shared)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'domain-types-from-features-only-in-store',
      severity: 'error',
      comment: 'Only src/domain/store.ts may name a feature\'s types (its repository ports); nothing else in the domain.',
      from: { path: '^src/domain/', pathNot: '^src/domain/store\\.ts$' },
      to: { path: '^src/', pathNot: '^src/(domain|config|shared)/' },
    },
    {
      name: 'transport-knows-no-topics',
      severity: 'error',
      comment: 'src/transport/ knows connections and frames, not sessions, channels, topics or features.',
      from: { path: '^src/transport/' },
      to: { path: '^src/(socket|channels|presence|pubsub|cluster|http|app|ops|accounts|announcements|lists|mail|scheduler|adapters)/' },
    },
    {
      name: 'http-never-reaches-an-adapter',
      severity: 'error',
      comment: 'Routes call services; they never import a store, mail or limiter adapter.',
      from: { path: '^src/http/' },
      to: { path: '^src/adapters/' },
    },
    {
      name: 'only-the-root-wires',
      severity: 'error',
      comment: 'src/app/ (the composition root) and src/cli/ are imported by nothing but themselves.',
      from: { path: '^src/', pathNot: '^src/(app|cli)/' },
      to: { path: '^src/(app|cli)/' },
    },
    {
      name: 'features-never-import-the-edges',
      severity: 'error',
      comment: 'A feature is called by its routes and channels; it never imports them.',
      from: { path: FEATURES },
      to: { path: '^src/(http|socket|transport|channels)/' },
    },
    {
      name: 'store-drivers-in-the-store-adapter',
      severity: 'error',
      comment: 'pg and better-sqlite3 are used by src/adapters/store/ only.',
      from: { path: '^src/', pathNot: '^src/adapters/store/' },
      to: { path: DRIVERS.store, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'nodemailer-in-the-mail-adapter',
      severity: 'error',
      comment: 'nodemailer is used by src/adapters/mail/ only.',
      from: { path: '^src/', pathNot: '^src/adapters/mail/' },
      to: { path: DRIVERS.mail },
    },
    {
      name: 'ioredis-in-redis-engines',
      severity: 'error',
      comment: 'ioredis is used by the Redis engines only (bus, node directory, attempt limiter, choosing them).',
      from: { path: '^src/', pathNot: '^src/(pubsub/redis-bus\\.ts|cluster/(redis-node-directory|cluster-backend)\\.ts|adapters/limiter/)' },
      to: { path: DRIVERS.redis },
    },
    {
      name: 'smtp-server-in-the-listener',
      severity: 'error',
      comment: 'smtp-server is used by the inbound SMTP listener only (src/mail/inbound/; to become an adapter: issue "the house").',
      from: { path: '^src/', pathNot: '^src/mail/inbound/' },
      to: { path: DRIVERS.smtp },
    },
    {
      name: 'ws-in-the-transport',
      severity: 'error',
      comment: 'ws is used by src/transport/ only.',
      from: { path: '^src/', pathNot: '^src/transport/' },
      to: { path: DRIVERS.websocket },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to nothing.',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.mjs', '.cjs', '.d.ts'] },
  },
};
