import { MemoryBusHub } from '../../src/pubsub/memory-bus.ts';
import { busContract } from './bus-contract.ts';

busContract('memory', async () => {
  const hub = new MemoryBusHub();
  return { connect: async () => hub.connect(), close: async () => {} };
});
