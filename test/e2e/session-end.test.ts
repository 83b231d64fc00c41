import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Socket } from 'phoenix';
import { connect, disconnect, join, within, type TransportName } from '../support/phoenix-helpers.ts';
import { startTestServer, type TestServer, type TestUser } from '../support/test-server.ts';
import { closedOnce, connectStatus, currentSessionId, signInAgain } from './session-sockets.ts';

/**
 * The official phoenix client over WebSocket and LongPoll: a socket lives no longer than the
 * sign-in session its token names. Logging out, or ending the session from another device,
 * closes its sockets at once (WebSocket close 4401), and its socket token connects no more (403).
 */
for (const transport of ['websocket', 'longpoll'] as TransportName[]) {
  describe(`sockets end with their session, over ${transport}`, () => {
    let server: TestServer;
    const sockets: Socket[] = [];
    const open = (u: TestUser) => {
      const s = connect(server.wsUrl, u.socketToken, transport);
      sockets.push(s);
      return s;
    };

    before(async () => {
      server = await startTestServer();
    });
    after(async () => {
      await Promise.all(sockets.map(disconnect));
      await server.stop();
    });

    test('logout closes the socket, and its token is refused afterwards', async () => {
      const aiko = await server.signup('Aiko');
      const socket = open(aiko);
      const channel = socket.channel(`user:${aiko.user.id}`, {});
      await join(channel);
      const closed = closedOnce(socket);

      assert.equal((await server.request('POST', '/api/logout', { token: aiko.token })).status, 204);
      const { code } = await within(5000, 'the socket to close', closed);
      if (transport === 'websocket') assert.equal(code, 4401, 'close code "session ended"');
      channel.leave(); // no rejoin timer left behind
      await disconnect(socket); // phoenix.js would go on reconnecting, refused each time
      assert.equal(await connectStatus(server, aiko.socketToken, transport), 403, 'the same socket token is refused');
    });

    test('ending a session from another device closes its socket only', async () => {
      const ben = await server.signup('Ben');
      const benSessionId = await currentSessionId(server, ben.token);
      const phone = await signInAgain(server, ben);
      const laptopSocket = open(ben);
      const phoneSocket = open(phone);
      const laptopChannel = laptopSocket.channel(`user:${ben.user.id}`, {});
      await join(laptopChannel);
      const phoneChannel = phoneSocket.channel(`user:${ben.user.id}`, {});
      await join(phoneChannel);
      let phoneClosed = false;
      phoneSocket.onClose(() => { phoneClosed = true; });
      const closed = closedOnce(laptopSocket);

      assert.equal((await server.request('DELETE', `/api/me/sessions/${benSessionId}`, { token: phone.token })).status, 204);
      const { code } = await within(5000, 'the ended session\'s socket to close', closed);
      if (transport === 'websocket') assert.equal(code, 4401);
      laptopChannel.leave(); // no rejoin timer left behind
      await disconnect(laptopSocket);
      assert.equal(await connectStatus(server, ben.socketToken, transport), 403, 'the ended session\'s token is refused');

      // A round trip on the other session's socket after the close: it was not closed with it.
      phoneChannel.leave();
      await join(phoneSocket.channel(`user:${ben.user.id}`, {}));
      assert.equal(phoneClosed, false, 'the other session\'s socket stays open');
      assert.equal(phoneSocket.isConnected(), true);
      assert.notEqual(await connectStatus(server, phone.socketToken, transport), 403, 'the other session\'s token still connects');
    });
  });
}
