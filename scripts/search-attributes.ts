/**
 * Registers the Dme* custom search attributes on a Temporal server through the operator service.
 *
 * The dev server we launch gets them from `--search-attribute` flags at start-up, but servers we
 * did not start that way need this: the time-skipping test server (which rejects upserts of
 * unregistered attributes) and external clusters (TEMPORAL_ADDRESS). Idempotent: attributes that
 * already exist with the right type are left alone; one that exists with another type is an error,
 * since the workflows would fail to upsert it.
 */
import type { Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes';
import { dmeSearchAttributes } from '../workflows/search-attributes';

/** gRPC status codes we act on. */
const ALREADY_EXISTS = 6;
const UNIMPLEMENTED = 12;

export interface RegisterResult {
  /**
   * Attributes this call sent to addSearchAttributes. On a server that cannot list attributes
   * (the time-skipping test server answers UNIMPLEMENTED) that is every key, registered or not.
   */
  added: string[];
  /** Attributes that were already registered with the right type. */
  existing: string[];
}

export async function registerSearchAttributes(
  connection: Connection,
  namespace = 'default',
  keys: readonly SearchAttributeKey<SearchAttributeType>[] = dmeSearchAttributes,
): Promise<RegisterResult> {
  const wanted = new Map(keys.map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type)!]));
  const present = await listCustomSearchAttributes(connection, namespace);

  const existing: string[] = [];
  const missing: Record<string, number> = {};
  for (const [name, type] of wanted) {
    const current = present?.get(name);
    if (current === undefined) missing[name] = type;
    else if (current === type) existing.push(name);
    else {
      throw new Error(`search attribute ${name} exists in namespace ${namespace} with type ${current}, expected ${type}`);
    }
  }
  if (Object.keys(missing).length === 0) return { added: [], existing };

  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
  } catch (err) {
    // A concurrent registration (two test files, two launchers) got there first.
    if (grpcCode(err) !== ALREADY_EXISTS) throw err;
  }
  return { added: Object.keys(missing), existing };
}

/**
 * Custom attributes by name → IndexedValueType number; undefined when the server cannot list them
 * (then we just add and tolerate ALREADY_EXISTS).
 */
export async function listCustomSearchAttributes(connection: Connection, namespace = 'default'): Promise<Map<string, number> | undefined> {
  try {
    const response = await connection.operatorService.listSearchAttributes({ namespace });
    return new Map(Object.entries(response.customAttributes ?? {}).map(([name, type]) => [name, Number(type)]));
  } catch (err) {
    if (grpcCode(err) === UNIMPLEMENTED) return undefined;
    throw err;
  }
}

function grpcCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}
