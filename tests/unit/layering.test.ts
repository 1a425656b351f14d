/**
 * DESIGN.md "Rules of the house" as eslint.config.mjs encodes them: each row is one import
 * written into a file of one folder, linted with the project's real configuration, and
 * whether the layering rule lets it through.
 */
import path from 'node:path';
import { ESLint } from 'eslint';

const root = path.resolve(__dirname, '../..');
const eslint = new ESLint({ cwd: root });

/** The layering messages for `source` as if it were the file `file` (relative to the repo). */
async function layeringProblems(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport const probe = 1;\n`, { filePath: path.join(root, file) });
  return result.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

const rows: Array<[file: string, source: string, refusedBecause: RegExp | null]> = [
  // workflows/: the SDK, domain/ and its own files; activities by type only.
  ['workflows/probe.ts', "import { sleep } from '@temporalio/workflow';", null],
  ['workflows/probe.ts', "import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';", null],
  ['workflows/probe.ts', "import { addDays } from '../domain/calendar';", null],
  ['workflows/probe.ts', "import { orderWorkflowId } from './definitions';", null],
  ['workflows/probe.ts', "import type { OrderActivities } from '../activities/orders';", null],
  ['workflows/probe.ts', "import { createOrderActivities } from '../activities/orders';", /use `import type`/],
  ['workflows/probe.ts', "import { claims } from '../db/schema';", /imports only @temporalio\/workflow, domain\//],
  ['workflows/probe.ts', "import { createApp } from '../api/app';", /imports only @temporalio\/workflow, domain\//],
  ['workflows/probe.ts', "import { loadConfig } from '../config';", /imports only @temporalio\/workflow, domain\//],
  ['workflows/probe.ts', "import { Client } from '@temporalio/client';", /imports only @temporalio\/workflow, domain\//],
  ['workflows/probe.ts', "import { readFileSync } from 'node:fs';", /imports only @temporalio\/workflow, domain\//],
  ['workflows/probe.ts', "import { randomUUID } from 'crypto';", /imports only @temporalio\/workflow, domain\//],
  // A stage module one folder down: the same rule, counted from its depth.
  ['workflows/order/probe.ts', "import { condition } from '@temporalio/workflow';", null],
  ['workflows/order/probe.ts', "import { nowIso } from '../clock';", null],
  ['workflows/order/probe.ts', "import type { OrderRun } from './run';", null],
  ['workflows/order/probe.ts', "import { addDays } from '../../domain/calendar';", null],
  ['workflows/order/probe.ts', "import type { OrderActivities } from '../../activities/orders';", null],
  ['workflows/order/probe.ts', "import { createOrderActivities } from '../../activities/orders';", /use `import type`/],
  ['workflows/order/probe.ts', "import { claims } from '../../db/schema';", /imports only @temporalio\/workflow, domain\//],
  ['workflows/order/probe.ts', "import { loadConfig } from '../../config';", /imports only @temporalio\/workflow, domain\//],
  ['workflows/order/probe.ts', "import { orderStages } from '../../../domain/order-stages';", /imports only @temporalio\/workflow, domain\//],
  ['workflows/order/probe.ts', "import { readFileSync } from 'node:fs';", /imports only @temporalio\/workflow, domain\//],
  // domain/: no I/O, no framework.
  ['domain/probe.ts', "import { addDays } from './calendar';", null],
  ['domain/x12/probe.ts', "import type { ClaimLine } from '../types';", null],
  ['domain/probe.ts', "import { readFileSync } from 'node:fs';", /no Node modules/],
  ['domain/probe.ts', "import path from 'path';", /no Node modules/],
  ['domain/probe.ts', "import { eq } from 'drizzle-orm';", /no framework imports/],
  ['domain/probe.ts', "import { ApplicationFailure } from '@temporalio/common';", /no framework imports/],
  ['domain/probe.ts', "import { Hono } from 'hono';", /no framework imports/],
  ['domain/probe.ts', "import { Client } from 'pg';", /no framework imports/],
  ['domain/x12/probe.ts', "import { claims } from '../../db/schema';", /bottom layer/],
  ['domain/probe.ts', "import type { OrderStatus } from '../workflows/definitions';", /bottom layer/],
  ['domain/probe.ts', "import { logger } from '../logger';", /bottom layer/],
  // db/: below workflows/ and api/.
  ['db/probe.ts', "import { orderStages } from '../domain/order-stages';", null],
  ['db/probe.ts', "import { orderStages } from '../workflows/definitions';", /does not import workflows\//],
  ['db/probe.ts', "import { createApp } from '../api/app';", /does not import workflows\//],
  // api/: starts and signals workflows; activities by type only (three routes excepted today).
  ['api/routes/probe.ts', "import { orderWorkflowId } from '../../workflows/definitions';", null],
  ['api/routes/probe.ts', "import type { PostedRemittance } from '../../activities/remittances';", null],
  ['api/routes/probe.ts', "import { createRemittanceActivities } from '../../activities/remittances';", /does not run activities/],
  ['api/probe.ts', "import { createOrderActivities } from '../activities/orders';", /does not run activities/],
];

describe('layering (DESIGN.md, Rules of the house)', () => {
  test.each(rows)('%s: %s', async (file, source, refusedBecause) => {
    const problems = await layeringProblems(file, source);
    if (refusedBecause === null) expect(problems).toEqual([]);
    else expect(problems).toEqual([expect.stringMatching(refusedBecause)]);
  });

  test('folders outside the four layers are not restricted', async () => {
    expect(await layeringProblems('scripts/probe.ts', "import { claims } from '../db/schema';\nimport { readFileSync } from 'node:fs';")).toEqual([]);
  });
});
