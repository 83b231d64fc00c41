import { readFileSync } from 'node:fs';

/** A file a RENRAKU_* variable names (a key, a certificate), read at start-up; the error names the variable. */
export function readConfigFile(variable: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new Error(`${variable}: cannot read ${path} (${(error as Error).message})`, { cause: error });
  }
}
