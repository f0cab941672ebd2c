import type { FastifyRequest } from 'fastify';
import { decodeNumber } from '../json.js';
import { invalidParameter, missingParameter } from './errors.js';

/** A request's fields, wherever MLflow puts them: the query string for GET, the JSON body otherwise. */
export type Fields = Record<string, unknown>;

export function fieldsOf(request: FastifyRequest): Fields {
  const source = request.method === 'GET' ? request.query : request.body;
  return source && typeof source === 'object' && !Array.isArray(source) ? (source as Fields) : {};
}

function badValue(name: string, value: unknown, expected: string): Error {
  return invalidParameter(
    `Invalid value ${JSON.stringify(value)} for parameter '${name}' supplied: expected ${expected}. See the API docs for more information about request parameters.`,
  );
}

/** Query strings hold one value per key unless repeated; a scalar field takes the first. */
function scalar(fields: Fields, name: string): unknown {
  const value = fields[name];
  return Array.isArray(value) && typeof value[0] !== 'object' ? value[0] : value;
}

export function optionalString(fields: Fields, name: string): string | undefined {
  const value = scalar(fields, name);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw badValue(name, value, 'a string');
}

/** As in MLflow, an empty string counts as absent: protobuf cannot tell them apart. */
export function requiredString(fields: Fields, name: string): string {
  const value = optionalString(fields, name);
  if (value === undefined || value === '') throw missingParameter(name);
  return value;
}

/** int64 fields arrive as numbers from the Python client, as strings from query strings and protobuf JSON. */
export function optionalInt(fields: Fields, name: string): number | undefined {
  const value = scalar(fields, name);
  if (value === undefined || value === null || value === '') return undefined;
  const number = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number)) throw badValue(name, value, 'an integer');
  return number;
}

export function requiredInt(fields: Fields, name: string): number {
  const value = optionalInt(fields, name);
  if (value === undefined) throw missingParameter(name);
  return value;
}

/** A double: a JSON number, or protobuf JSON's "NaN" / "Infinity" / "-Infinity" / numeric strings. */
export function requiredDouble(fields: Fields, name: string): number {
  const value = decodeDouble(scalar(fields, name));
  if (value === undefined) throw missingParameter(name);
  if (typeof value !== 'number') throw badValue(name, fields[name], 'a number');
  return value;
}

export function decodeDouble(raw: unknown): unknown {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const value = decodeNumber(raw);
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return value;
}

/** A repeated string field: a JSON array, or repeated query keys (one key arrives as a plain string). */
export function stringList(fields: Fields, name: string): string[] {
  const value = fields[name];
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  if (!list.every((v) => typeof v === 'string' || typeof v === 'number')) throw badValue(name, value, 'a list of strings');
  return list.map(String);
}

/** A repeated message field such as `tags` or `metrics`: an array of objects. */
export function objectList(fields: Fields, name: string): Fields[] {
  const value = fields[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((v) => v && typeof v === 'object' && !Array.isArray(v))) throw badValue(name, value, 'a list of objects');
  return value as Fields[];
}

/** `run_id`, or the deprecated `run_uuid` that older clients still send. */
export function runIdOf(fields: Fields): string {
  const id = optionalString(fields, 'run_id') || optionalString(fields, 'run_uuid');
  if (!id) throw missingParameter('run_id');
  return id;
}

const viewTypes = ['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'] as const;
export type ViewTypeName = (typeof viewTypes)[number];

/** MLflow's ViewType enum, by name or by its protobuf number (1, 2, 3); ACTIVE_ONLY when absent. */
export function viewTypeOf(fields: Fields, name: string): ViewTypeName {
  const value = optionalString(fields, name);
  if (value === undefined || value === '') return 'ACTIVE_ONLY';
  const byNumber = viewTypes[Number(value) - 1];
  const found = (viewTypes as readonly string[]).includes(value) ? (value as ViewTypeName) : /^[123]$/.test(value) ? byNumber : undefined;
  if (!found) throw badValue(name, value, `one of ${viewTypes.join(', ')}`);
  return found;
}
