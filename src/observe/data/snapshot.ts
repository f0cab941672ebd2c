import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DuckDBInstance, LIST, listValue, VARCHAR } from '@duckdb/node-api';
import type { ArtifactStore } from '../../artifacts/types.js';
import { readers, safeNames, type TabularFormat } from '../../capture/tabular.js';
import { invalidArgument } from '../../errors.js';

/** A scratch folder for one poke; `done` removes it whatever happened. */
export async function scratch(): Promise<{ dir: string; done: () => Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'threadline-observe-'));
  return { dir, done: () => fs.rm(dir, { recursive: true, force: true }) };
}

/**
 * Same-format tabular files as ONE Parquet file (union by column name), written by DuckDB
 * without bringing rows into JavaScript. Drift compares two such files, and a stored one is
 * what the next version is compared with once the source itself has been overwritten.
 */
export async function toParquet(files: string[], format: TabularFormat, target: string): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
  const connection = await instance.connect();
  const links = await safeNames(files);
  try {
    const several = links.names.length > 1;
    // COPY takes no parameter for its target; ours is a temp path we made, quoted as SQL text.
    const sql = `COPY (SELECT * FROM ${readers[format](several)}) TO '${target.replaceAll("'", "''")}' (FORMAT parquet)`;
    if (several) await connection.run(sql, [listValue(links.names)], [LIST(VARCHAR)]);
    else await connection.run(sql, [links.names[0]!]);
  } catch (error) {
    throw invalidArgument(`cannot read ${files.length === 1 ? files[0] : `${files.length} ${format} files`} as ${format}: ${(error as Error).message.split('\n')[0]}`, { format });
  } finally {
    connection.closeSync();
    instance.closeSync();
    await links.cleanup();
  }
}

/** Stores a snapshot (content-addressed) and returns its blob digest. */
export async function keepSnapshot(artifacts: ArtifactStore, file: string): Promise<string> {
  return (await artifacts.putFile(file)).digest;
}

/** A stored snapshot back as a local `.parquet` file in `dir` (DuckDB picks the reader by suffix). */
export async function fetchSnapshot(artifacts: ArtifactStore, digest: string, dir: string, name: string): Promise<string> {
  const target = path.join(dir, `${name}.parquet`);
  await pipeline(await artifacts.open(digest), createWriteStream(target));
  return target;
}
