import type { Channel } from './channel.ts';

/** A channel module: the topics `<prefix><id>` it serves, and a new channel per join. */
export interface ChannelRoute {
  readonly prefix: string;
  create(): Channel;
}

/**
 * Topic → channel module, by prefix (`room:`, `group:`, `user:`). A topic matches when it
 * starts with a prefix and has a non-empty id after it; anything else is unmatched.
 */
export class ChannelRouter {
  private readonly routes: readonly ChannelRoute[];

  constructor(routes: readonly ChannelRoute[]) {
    for (const [i, route] of routes.entries()) {
      if (!/^[a-z][a-z_]*:$/.test(route.prefix)) {
        throw new Error(`ChannelRouter: prefix "${route.prefix}" must be lowercase letters followed by ":" (e.g. "room:")`);
      }
      if (routes.findIndex((r) => r.prefix === route.prefix) !== i) {
        throw new Error(`ChannelRouter: prefix "${route.prefix}" is routed twice; prefixes: ${routes.map((r) => r.prefix).join(', ')}`);
      }
    }
    this.routes = routes;
  }

  match(topic: string): ChannelRoute | undefined {
    return this.routes.find((route) => topic.length > route.prefix.length && topic.startsWith(route.prefix));
  }
}

/** The id part of a matched topic: `room:01ABC` → `01ABC`. */
export function topicId(topic: string): string {
  return topic.slice(topic.indexOf(':') + 1);
}
