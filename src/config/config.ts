import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { resolve } from 'node:path';

/**
 * The server's configuration, read once from `RENRAKU_*` environment variables, validated,
 * and frozen. A bad value stops start-up with a ConfigError naming the variable.
 */
export interface Config {
  readonly host: string;
  readonly httpPort: number;
  readonly dataDir: string;
  /** '' for the embedded SQLite store under dataDir. */
  readonly databaseUrl: string;
  readonly publicUrl: string;
  /** '' for no Redis (single node). */
  readonly redisUrl: string;
  /** 0 disables the SMTP listener. */
  readonly smtpPort: number;
  /** Largest inbound message (bytes); larger ones are refused with 552. */
  readonly smtpMaxBytes: number;
  /** STARTTLS on the inbound listener: both absolute PEM paths, or both '' (not offered). */
  readonly smtpTlsCertPath: string;
  readonly smtpTlsKeyPath: string;
  /** The authserv-id of the MTA in front whose Authentication-Results vouch for list senders; '' trusts From as it is. */
  readonly smtpAuthservId: string;
  /** Without an authserv-id on a non-loopback listener, members' posts are held unless this is true (the operator accepts forged From). */
  readonly smtpTrustFrom: boolean;
  readonly listDomain: string;
  /** '' for no relay (outbound mail is kept in the outbox). */
  readonly smtpRelayUrl: string;
  /** DKIM signing of outbound mail: all three set, or all '' (off). */
  readonly dkimDomain: string;
  readonly dkimSelector: string;
  /** Absolute path of the PEM private key. */
  readonly dkimPrivateKeyPath: string;
  /** '' to read or create `<dataDir>/secret`. Required in a cluster. */
  readonly secret: string;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Per-socket message rate limit (burst, refill per second). */
  readonly messageBurst: number;
  readonly messageRatePerSecond: number;
  /** Operator token for metrics and diagnostics; '' disables those endpoints. */
  readonly operatorToken: string;
  /** Fastify's trustProxy: false (clients connect directly) or the reverse proxies' addresses/CIDRs. */
  readonly trustProxy: false | readonly string[];
  /** Client addresses the per-address sign-in/sign-up budgets do not apply to. */
  readonly throttleExempt: readonly string[];
  /** Zabbix trapper to push key metrics to, `host:port`; '' for no push. */
  readonly zabbixServer: string;
  /** The host name this node's items belong to in Zabbix. */
  readonly zabbixHost: string;
  /** Port of the passive Zabbix agent listener (on `host`); 0 for none. */
  readonly zabbixAgentPort: number;
}

export class ConfigError extends Error {
  readonly variable: string;
  constructor(variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}

type Env = Readonly<Record<string, string | undefined>>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Every variable we read, with its default and meaning (the README table is built from this). */
export const CONFIG_VARIABLES = [
  ['RENRAKU_HOST', '127.0.0.1', 'Address the HTTP server listens on (0.0.0.0 for all).'],
  ['RENRAKU_HTTP_PORT', '4000', 'HTTP port (web client, API, WebSocket, LongPoll).'],
  ['RENRAKU_DATA_DIR', './data', 'Where the SQLite store, the secret and uploads live.'],
  ['RENRAKU_DATABASE_URL', '(empty: SQLite)', '`postgres://…` to use PostgreSQL instead of SQLite.'],
  ['RENRAKU_PUBLIC_URL', 'http://localhost:<port>', 'The URL people open; used in links and origin checks.'],
  ['RENRAKU_REDIS_URL', '(empty)', '`redis://…` for the cluster bus.'],
  ['RENRAKU_SMTP_PORT', '2525', 'Inbound SMTP port; 0 disables it.'],
  ['RENRAKU_SMTP_MAX_BYTES', '26214400 (25 MB)', 'Largest inbound message in bytes; larger ones are refused with 552.'],
  ['RENRAKU_SMTP_TLS_CERT_PATH', '(empty: no STARTTLS)', 'PEM certificate (chain) the SMTP listener offers STARTTLS with; needs the key below. Re-read when the files change.'],
  ['RENRAKU_SMTP_TLS_KEY_PATH', '(empty)', 'PEM private key of that certificate.'],
  ['RENRAKU_SMTP_AUTHSERV_ID', '(empty: From as written; see below)', 'authserv-id of the MTA in front (e.g. its host name): list posts count as a member\'s only when that MTA\'s Authentication-Results header passes DMARC, or aligned DKIM or SPF, for the From domain; others wait for an owner.'],
  ['RENRAKU_SMTP_TRUST_FROM', 'false', 'With no RENRAKU_SMTP_AUTHSERV_ID and SMTP listening beyond loopback, members\' list posts wait for an owner; `true` publishes them on their From alone (anyone who reaches the port can post as any member).'],
  ['RENRAKU_LIST_DOMAIN', 'localhost', 'Domain of the groups\' list addresses.'],
  ['RENRAKU_SMTP_RELAY_URL', '(empty)', '`smtp://user:pass@host:port` smarthost for outbound mail.'],
  ['RENRAKU_DKIM_DOMAIN', '(empty: no DKIM)', 'Domain (`d=`) outbound mail is DKIM-signed for; needs the two below.'],
  ['RENRAKU_DKIM_SELECTOR', '(empty)', 'DKIM selector (`s=`): the key is published at `<selector>._domainkey.<domain>`.'],
  ['RENRAKU_DKIM_PRIVATE_KEY_PATH', '(empty)', 'PEM file with the DKIM private key (read at start-up).'],
  ['RENRAKU_SECRET', '(generated into the data dir)', 'Signing secret, ≥ 32 characters; the same on every node.'],
  ['RENRAKU_LOG_LEVEL', 'info', 'pino level: fatal, error, warn, info, debug, trace, silent.'],
  ['RENRAKU_MESSAGE_BURST', '30', 'Messages a socket may send in a burst.'],
  ['RENRAKU_MESSAGE_RATE', '10', 'Messages per second a socket may send after the burst.'],
  ['RENRAKU_TRUST_PROXY', '(empty: none)', 'Reverse proxies whose `X-Forwarded-For` names the client: their addresses or CIDRs, comma-separated (e.g. `127.0.0.1`). Sign-in and sign-up are limited per client address, so set it behind a proxy.'],
  ['RENRAKU_THROTTLE_EXEMPT', '(empty)', 'Client addresses, comma-separated, exempt from the per-address sign-in and sign-up limits (e.g. a load-test host); per-account limits still apply.'],
  ['RENRAKU_OPERATOR_TOKEN', '(empty)', 'Bearer token for /metrics and diagnostics.'],
  ['RENRAKU_ZABBIX_SERVER', '(empty: no push)', '`host:port` of a Zabbix server or proxy to push key metrics to (trapper items).'],
  ['RENRAKU_ZABBIX_HOST', '(the machine\'s host name)', 'Host name of this node in Zabbix.'],
  ['RENRAKU_ZABBIX_AGENT_PORT', '0', 'Port of a passive Zabbix agent listener answering `renraku.*` keys; 0 disables it.'],
] as const;

export function loadConfig(env: Env = process.env): Config {
  const port = int(env, 'RENRAKU_HTTP_PORT', 4000, 0, 65535);
  const host = str(env, 'RENRAKU_HOST', '127.0.0.1');
  const databaseUrl = str(env, 'RENRAKU_DATABASE_URL', '');
  if (databaseUrl !== '' && !/^(postgres|postgresql):\/\//.test(databaseUrl) && !databaseUrl.startsWith('sqlite:')) {
    throw new ConfigError('RENRAKU_DATABASE_URL', `must start with postgres://, postgresql:// or sqlite: (got "${databaseUrl}")`);
  }
  const redisUrl = str(env, 'RENRAKU_REDIS_URL', '');
  if (redisUrl !== '' && !/^rediss?:\/\//.test(redisUrl)) {
    throw new ConfigError('RENRAKU_REDIS_URL', `must start with redis:// or rediss:// (got "${redisUrl}")`);
  }
  const smtpRelayUrl = str(env, 'RENRAKU_SMTP_RELAY_URL', '');
  if (smtpRelayUrl !== '' && !/^smtps?:\/\//.test(smtpRelayUrl)) {
    throw new ConfigError('RENRAKU_SMTP_RELAY_URL', `must start with smtp:// or smtps:// (got "${smtpRelayUrl}")`);
  }
  const dkim = dkimSettings(env);
  const smtpTls = smtpTlsSettings(env);
  const publicUrl = str(env, 'RENRAKU_PUBLIC_URL', `http://localhost:${port}`).replace(/\/+$/, '');
  try {
    const u = new URL(publicUrl);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
  } catch {
    throw new ConfigError('RENRAKU_PUBLIC_URL', `must be an http(s) URL (got "${publicUrl}")`);
  }
  const secret = str(env, 'RENRAKU_SECRET', '');
  if (secret !== '' && secret.length < 32) throw new ConfigError('RENRAKU_SECRET', 'must be at least 32 characters');
  if (redisUrl !== '' && secret === '') throw new ConfigError('RENRAKU_SECRET', 'is required when RENRAKU_REDIS_URL is set (every node must share it)');
  const logLevel = str(env, 'RENRAKU_LOG_LEVEL', 'info');
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError('RENRAKU_LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`);
  }
  const listDomain = str(env, 'RENRAKU_LIST_DOMAIN', 'localhost');
  if (!/^[a-z0-9.-]+$/i.test(listDomain)) throw new ConfigError('RENRAKU_LIST_DOMAIN', `is not a domain name (got "${listDomain}")`);

  return Object.freeze({
    host,
    httpPort: port,
    dataDir: resolve(str(env, 'RENRAKU_DATA_DIR', './data')),
    databaseUrl,
    publicUrl,
    redisUrl,
    smtpPort: int(env, 'RENRAKU_SMTP_PORT', 2525, 0, 65535),
    smtpMaxBytes: int(env, 'RENRAKU_SMTP_MAX_BYTES', 25 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    ...smtpTls,
    smtpAuthservId: authservId(env),
    smtpTrustFrom: bool(env, 'RENRAKU_SMTP_TRUST_FROM', false),
    listDomain,
    smtpRelayUrl,
    ...dkim,
    secret,
    logLevel: logLevel as Config['logLevel'],
    messageBurst: int(env, 'RENRAKU_MESSAGE_BURST', 30, 1, 1_000_000),
    messageRatePerSecond: int(env, 'RENRAKU_MESSAGE_RATE', 10, 1, 1_000_000),
    trustProxy: trustProxy(env),
    throttleExempt: Object.freeze(addressList(env, 'RENRAKU_THROTTLE_EXEMPT', false)),
    operatorToken: str(env, 'RENRAKU_OPERATOR_TOKEN', ''),
    zabbixServer: zabbixServer(env),
    zabbixHost: str(env, 'RENRAKU_ZABBIX_HOST', hostname()),
    zabbixAgentPort: int(env, 'RENRAKU_ZABBIX_AGENT_PORT', 0, 0, 65535),
  });
}

/** RENRAKU_DKIM_*: all three or none; a half-configured signer is refused rather than ignored. */
function dkimSettings(env: Env): Pick<Config, 'dkimDomain' | 'dkimSelector' | 'dkimPrivateKeyPath'> {
  const dkimDomain = str(env, 'RENRAKU_DKIM_DOMAIN', '');
  const dkimSelector = str(env, 'RENRAKU_DKIM_SELECTOR', '');
  const keyPath = str(env, 'RENRAKU_DKIM_PRIVATE_KEY_PATH', '');
  const given = [['RENRAKU_DKIM_DOMAIN', dkimDomain], ['RENRAKU_DKIM_SELECTOR', dkimSelector], ['RENRAKU_DKIM_PRIVATE_KEY_PATH', keyPath]];
  const missing = given.filter(([, value]) => value === '').map(([name]) => name!);
  if (missing.length === 3) return { dkimDomain: '', dkimSelector: '', dkimPrivateKeyPath: '' };
  if (missing.length > 0) throw new ConfigError(missing[0]!, `is required when any RENRAKU_DKIM_* is set (set all three for DKIM, or none)`);
  if (!/^[a-z0-9.-]+$/i.test(dkimDomain)) throw new ConfigError('RENRAKU_DKIM_DOMAIN', `is not a domain name (got "${dkimDomain}")`);
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(dkimSelector)) throw new ConfigError('RENRAKU_DKIM_SELECTOR', `must be letters, digits, '.', '-' or '_' (got "${dkimSelector}")`);
  return { dkimDomain, dkimSelector, dkimPrivateKeyPath: resolve(keyPath) };
}

/** RENRAKU_SMTP_TLS_*: a certificate and its key, or neither; half a pair is refused rather than ignored. */
function smtpTlsSettings(env: Env): Pick<Config, 'smtpTlsCertPath' | 'smtpTlsKeyPath'> {
  const cert = str(env, 'RENRAKU_SMTP_TLS_CERT_PATH', '');
  const key = str(env, 'RENRAKU_SMTP_TLS_KEY_PATH', '');
  if (cert === '' && key === '') return { smtpTlsCertPath: '', smtpTlsKeyPath: '' };
  if (cert === '') throw new ConfigError('RENRAKU_SMTP_TLS_CERT_PATH', 'is required when RENRAKU_SMTP_TLS_KEY_PATH is set (set both for STARTTLS, or neither)');
  if (key === '') throw new ConfigError('RENRAKU_SMTP_TLS_KEY_PATH', 'is required when RENRAKU_SMTP_TLS_CERT_PATH is set (set both for STARTTLS, or neither)');
  return { smtpTlsCertPath: resolve(cert), smtpTlsKeyPath: resolve(key) };
}

/** RENRAKU_SMTP_AUTHSERV_ID: an RFC 8601 authserv-id (a domain name, as MTAs use), or '' for none. */
function authservId(env: Env): string {
  const value = str(env, 'RENRAKU_SMTP_AUTHSERV_ID', '').toLowerCase();
  if (value !== '' && !/^[a-z0-9.-]+$/.test(value)) throw new ConfigError('RENRAKU_SMTP_AUTHSERV_ID', `must be a host name as the MTA writes it in Authentication-Results (got "${value}")`);
  return value;
}

/** RENRAKU_ZABBIX_SERVER: `host:port` (the trapper port, 10051 by convention), or '' for none. */
function zabbixServer(env: Env): string {
  const value = str(env, 'RENRAKU_ZABBIX_SERVER', '');
  if (value !== '' && !/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+):\d{1,5}$/i.test(value)) {
    throw new ConfigError('RENRAKU_ZABBIX_SERVER', `must be host:port, e.g. zabbix.example.org:10051 (got "${value}")`);
  }
  return value;
}

/** RENRAKU_TRUST_PROXY: '' (no proxy: the socket's peer is the client), or the proxies' addresses/CIDRs. */
function trustProxy(env: Env): false | readonly string[] {
  const proxies = addressList(env, 'RENRAKU_TRUST_PROXY', true);
  return proxies.length === 0 ? false : Object.freeze(proxies);
}

/** A comma-separated list of IP addresses (and CIDR ranges when `cidr`). */
function addressList(env: Env, name: string, cidr: boolean): string[] {
  const items = str(env, name, '').split(',').map((item) => item.trim()).filter((item) => item !== '');
  for (const item of items) {
    const [address = '', bits, extra] = item.split('/');
    const family = isIP(address);
    const bitsOk = bits === undefined || (cidr && /^\d+$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
    if (family === 0 || !bitsOk || extra !== undefined) {
      throw new ConfigError(name, `must be IP addresses${cidr ? ' or CIDR ranges' : ''}, comma-separated (got "${item}")`);
    }
  }
  return items;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const value = str(env, name, '').toLowerCase();
  if (value === '') return fallback;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new ConfigError(name, `must be true or false (got "${value}")`);
}

function str(env: Env, name: string, fallback: string): string {
  const v = env[name];
  return v === undefined || v.trim() === '' ? fallback : v.trim();
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `must be a whole number (got "${raw}")`);
  const n = Number(raw.trim());
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max} (got ${n})`);
  return n;
}
