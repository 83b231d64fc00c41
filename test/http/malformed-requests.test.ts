import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ERROR_CODES } from '../../src/domain/error-codes.ts';
import { rawHttp, type RawAnswer } from '../support/raw-http.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

/** One HTTP/1.1 request as bytes, closing the connection after the answer. */
function request(method: string, path: string, headers: Record<string, string> = {}, body = ''): string {
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: localhost', 'Connection: close'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  if (body !== '' || method === 'POST') lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

function assertDeclared(what: string, answer: RawAnswer): string {
  assert.ok(answer.status >= 400 && answer.status < 500, `${what}: expected a 4xx, got ${answer.status} ${answer.body}`);
  let code: unknown;
  try {
    code = (JSON.parse(answer.body) as { code?: unknown }).code;
  } catch {
    assert.fail(`${what}: the body is not JSON: ${JSON.stringify(answer.body)}`);
  }
  assert.ok(typeof code === 'string' && Object.hasOwn(ERROR_CODES, code), `${what}: code ${String(code)} is not declared in ERROR_CODES`);
  assert.equal(ERROR_CODES[code as keyof typeof ERROR_CODES].status, answer.status, `${what}: ${String(code)} answered with another status than declared`);
  return code as string;
}

describe('malformed requests: every answer is a 4xx with a declared code', () => {
  let server: TestServer;
  let token: string;
  before(async () => {
    server = await startTestServer();
    token = (await server.signup('Kenji')).token;
  });
  after(async () => { await server.stop(); });

  test('bad URLs, parameters, bodies, types, methods and cookies', async () => {
    const auth = () => ({ authorization: `Bearer ${token}` });
    const json = { 'content-type': 'application/json' };
    const cases: Array<[string, string | Buffer, string?]> = [
      ['a path parameter over 100 characters', request('GET', `/api/groups/${'a'.repeat(101)}`, auth()), 'url_too_long'],
      ['a lone % in the path', request('GET', '/api/groups/%', auth()), 'url_invalid'],
      ['a broken UTF-8 escape in the path', request('GET', '/api/groups/%E0%A4%A', auth()), 'url_invalid'],
      ['a % in a static path', request('GET', '/assets/%zz.js'), 'url_invalid'],
      ['dot segments in a static path', request('GET', '/assets/..%2f..%2fpackage.json'), 'not_found'],
      ['a NUL escape in the path', request('GET', '/api/groups/%00', auth())],
      ['JSON that does not parse', request('POST', '/api/signup', json, '{"email": '), 'invalid_json'],
      ['an empty JSON body', request('POST', '/api/groups', { ...json, ...auth() }), 'invalid_json'],
      ['a JSON array instead of an object', request('POST', '/api/signup', json, '[1,2]'), 'validation_failed'],
      ['text/plain to a JSON route', request('POST', '/api/signup', { 'content-type': 'text/plain' }, 'hello')],
      ['a content type that is no media type', request('POST', '/api/signup', { 'content-type': ';;;' }, '{}')],
      ['JSON in an unknown charset', request('POST', '/api/signup', { 'content-type': 'application/json; charset=klingon' }, '{}')],
      ['a body over the limit', request('POST', '/api/signup', json, JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) })), 'payload_too_large'],
      ['a wrong method', request('PUT', '/api/me', auth())],
      ['a method nobody serves', request('PROPFIND', '/api/me', auth())],
      ['a malformed session cookie', request('GET', '/api/me', { cookie: 'renraku_session=%' }), 'unauthenticated'],
      ['a malformed escape in a longer cookie', request('GET', '/api/me', { cookie: 'theme=dark; renraku_session=%E0%A4%A; x=1' }), 'unauthenticated'],
      ['headers over the size limit', request('GET', '/api/me', { 'x-padding': 'p'.repeat(20_000) }), 'headers_too_large'],
      ['a URL over the header size limit', request('GET', `/api/groups?q=${'q'.repeat(20_000)}`, auth()), 'headers_too_large'],
      ['a request line that is not HTTP', 'GARBAGE\r\n\r\n', 'bad_request'],
      ['two different Content-Length headers', 'POST /api/signup HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}', 'bad_request'],
      ['a raw non-ASCII byte in the path', Buffer.concat([Buffer.from('GET /api/groups/'), Buffer.from([0xff, 0xfe]), Buffer.from(' HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n')])],
    ];
    for (const [what, raw, expected] of cases) {
      const code = assertDeclared(what, await rawHttp(server.url, raw));
      if (expected !== undefined) assert.equal(code, expected, what);
    }
  });
});
