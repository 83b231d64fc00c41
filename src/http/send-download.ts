import type { FastifyReply } from 'fastify';
import type { Readable } from 'node:stream';
import { contentDisposition } from './content-disposition.ts';

/** What a stored file says about itself. */
export interface DownloadFile {
  content_type: string;
  size: number;
  filename: string;
}

/**
 * Sends a stored file as a download: its own type and length, `attachment` with its UTF-8 name,
 * and a sandbox CSP with nosniff, so a file someone uploaded never runs as a page of ours.
 * Private and not stored: who may read it is decided per request.
 */
export function sendDownload(reply: FastifyReply, file: DownloadFile, stream: Readable): FastifyReply {
  return reply
    .type(file.content_type)
    .header('content-length', String(file.size))
    .header('content-disposition', contentDisposition(file.filename))
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('cache-control', 'private, no-store')
    .send(stream);
}
