import type { FastifyReply } from 'fastify';
import type { Threadline } from '../../context.js';
import { notFound } from '../../errors.js';

/** Streams a stored file (a run artifact or a logged model's file) with its type, size and digest. */
export async function sendFile(tl: Threadline, reply: FastifyReply, file: { digest: string; size: number; mediaType: string | null } | undefined, missing: string): Promise<FastifyReply> {
  if (!file) throw notFound(missing);
  const stream = await tl.artifacts.open(file.digest);
  return reply
    .header('content-type', file.mediaType ?? 'application/octet-stream')
    .header('content-length', String(file.size))
    .header('docker-content-digest', file.digest)
    .send(stream);
}
