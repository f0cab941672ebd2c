import { invalidArgument } from '../errors.js';

/** `s3://bucket/prefix` read, without loading the S3 SDK. */
export function parseS3Url(url: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([A-Za-z0-9][A-Za-z0-9._-]*)(?:\/+(.*))?$/.exec(url);
  if (!match) {
    // Never echo user-info: a mistyped URL may carry a key.
    const shown = url.replace(/\/\/[^/@]*@/, '//');
    throw invalidArgument(`invalid S3 artifacts URL ${shown}: expected s3://bucket/prefix`);
  }
  return { bucket: match[1]!, prefix: (match[2] ?? '').replace(/\/+$/, '') };
}
