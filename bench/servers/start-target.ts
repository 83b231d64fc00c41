import { startPeer } from './peer-target.ts';
import { startRenraku } from './renraku-target.ts';
import { TARGET_NAMES, type RunningTarget, type TargetName, type TargetOptions } from './target.ts';

/** Starts the named server; misspelt names fail with the list of valid ones. */
export function startTarget(name: string, opts: TargetOptions): Promise<RunningTarget> {
  switch (name as TargetName) {
    case 'renraku':
      return startRenraku(opts);
    case 'socketio':
      return startPeer('socketio');
    case 'raw':
      return startPeer('raw');
    default:
      return Promise.reject(new Error(`unknown server "${name}"; valid: ${TARGET_NAMES.join(', ')}`));
  }
}
