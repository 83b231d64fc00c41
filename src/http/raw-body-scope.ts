import type { Api } from './route-deps.ts';

/**
 * A scope whose routes take any body as bytes (a `Buffer`, whatever its Content-Type), up to
 * `bodyLimit`: the JSON and text parsers are removed. For a file sent as the body itself, or a
 * form posted by a mail provider without the headers a browser sends.
 */
export function rawBodyScope(app: Api, bodyLimit: number, routes: (scope: Api) => void): void {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));
    routes(scope as unknown as Api);
  });
}
