import { statSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { readConfigFile } from '../../config/config-file.ts';

/** A certificate and its key, as read from their PEM files. */
export interface TlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
}

/**
 * The certificate and key the inbound SMTP listener offers STARTTLS with
 * (`RENRAKU_SMTP_TLS_CERT_PATH`, `RENRAKU_SMTP_TLS_KEY_PATH`). Read and checked at start-up
 * (a file that cannot be read or a key that does not match its certificate stops start-up, the
 * error naming the variable); afterwards `changed()` notices a renewed pair by the files'
 * modification times and sizes, so a certificate renewed on disk is served without a restart.
 */
export class SmtpTlsFiles {
  private readonly certPath: string;
  private readonly keyPath: string;
  private stamp: string;
  /** What is being served. */
  material: TlsMaterial;

  constructor(paths: { certPath: string; keyPath: string }) {
    this.certPath = paths.certPath;
    this.keyPath = paths.keyPath;
    this.stamp = this.currentStamp();
    this.material = this.read();
  }

  /**
   * The new pair when either file changed since it was last read, undefined when neither did.
   * Throws when the changed pair is unusable (half-written, mismatched): the caller keeps
   * serving the previous one, and the next call tries again.
   */
  changed(): TlsMaterial | undefined {
    const stamp = this.currentStamp();
    if (stamp === this.stamp) return undefined;
    const material = this.read();
    this.stamp = stamp;
    this.material = material;
    return material;
  }

  private currentStamp(): string {
    return [this.certPath, this.keyPath].map((path) => {
      try {
        const s = statSync(path);
        return `${s.mtimeMs}:${s.size}:${s.ino}`;
      } catch {
        return 'missing';
      }
    }).join('|');
  }

  private read(): TlsMaterial {
    const cert = readConfigFile('RENRAKU_SMTP_TLS_CERT_PATH', this.certPath);
    const key = readConfigFile('RENRAKU_SMTP_TLS_KEY_PATH', this.keyPath);
    try {
      createSecureContext({ cert, key });
    } catch (error) {
      throw new Error(`RENRAKU_SMTP_TLS_CERT_PATH and RENRAKU_SMTP_TLS_KEY_PATH: not a usable certificate and key (${(error as Error).message})`, { cause: error });
    }
    return { cert, key };
  }
}
