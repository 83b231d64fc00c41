import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Channel } from '../../src/channels/channel.ts';
import { ChannelRouter, topicId } from '../../src/channels/channel-router.ts';

const create = () => ({}) as Channel;

test('matches by prefix with a non-empty id', () => {
  const router = new ChannelRouter([{ prefix: 'room:', create }, { prefix: 'user:', create }]);
  assert.equal(router.match('room:01ABC')?.prefix, 'room:');
  assert.equal(router.match('user:u')?.prefix, 'user:');
  for (const topic of ['room:', 'room', 'rooms:1', 'phoenix', 'group:1', ':room:1']) assert.equal(router.match(topic), undefined, topic);
  assert.equal(topicId('room:01ABC'), '01ABC');
  assert.equal(topicId('room:a:b'), 'a:b');
});

test('misconfiguration fails loudly, naming what is valid', () => {
  assert.throws(() => new ChannelRouter([{ prefix: 'room', create }]), /must be lowercase letters followed by ":"/);
  assert.throws(() => new ChannelRouter([{ prefix: 'room:', create }, { prefix: 'room:', create }]), /routed twice; prefixes: room:, room:/);
});
