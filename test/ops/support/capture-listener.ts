import { createServer, type Server } from 'node:net';
import { encodeZabbixFrame, readZabbixFrame } from '../../../src/ops/zabbix-frame.ts';

/**
 * A stand-in Zabbix trapper on 127.0.0.1: keeps the exact bytes of each request and answers
 * as a Zabbix server does (`{"response":"success","info":"processed: N; failed: 0; …"}`).
 */
export async function startCaptureListener(): Promise<{ port: number; requests: Buffer[]; next(): Promise<Buffer>; close(): Promise<void> }> {
  const requests: Buffer[] = [];
  let waiting: ((frame: Buffer) => void) | undefined;
  const server: Server = createServer((socket) => {
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      const frame = readZabbixFrame(buffer, 1024 * 1024);
      if (!frame) return;
      const raw = buffer.subarray(0, buffer.length - frame.rest.length);
      requests.push(raw);
      const n = (JSON.parse(frame.data.toString('utf8')) as { data: unknown[] }).data.length;
      socket.end(encodeZabbixFrame(JSON.stringify({ response: 'success', info: `processed: ${n}; failed: 0; total: ${n}; seconds spent: 0.000100` })));
      waiting?.(raw);
      waiting = undefined;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    requests,
    next: () => new Promise((resolve) => (waiting = resolve)),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
