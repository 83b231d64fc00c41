import { after, before, describe, test } from 'node:test';
import type { TransportName } from '../support/phoenix-helpers.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { demotedSenderLosesTheStatus } from './demotion-scenario.ts';

/**
 * The official phoenix client over WebSocket and LongPoll: a channel whose join check no longer
 * holds after a role change is closed at once (a demoted sender stops seeing every answer).
 */
for (const transport of ['websocket', 'longpoll'] as TransportName[]) {
  describe(`channels are checked again after a role change, over ${transport}`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer();
    });
    after(async () => {
      await server.stop();
    });

    test('a sender demoted to member loses the announcement status channel', async () => {
      await demotedSenderLosesTheStatus(server, server, transport);
    });
  });
}
