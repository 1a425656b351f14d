/**
 * Independent validation of the X12 we build, with pyx12's `x12valid` (PyPI `pyx12`,
 * maps for 837P 005010X222A1, 835 X221A1, 277CA X214, 999 X231A1; none for 5010
 * 270/271/276/277-X212).
 *
 * How it reports: the exit status means nothing (pyx12 4.0.0's console script exits 1
 * after validating, whatever it found, and a crash can exit 0), so we read the output:
 *   - stderr ends with "<file>: OK" or "<file>: Failure" for each file;
 *   - errors are logged to stderr as "... ERROR Line:9 ELE:7 - (9) is not a valid code ...";
 *   - `-J` writes <file>.json with every error by interchange/group/transaction/segment/element.
 * A file is valid only when the final line says OK, the JSON lists no error and no
 * ERROR line was logged.
 *
 * Finding it: $X12VALID (a command), then `x12valid` on PATH, then `python3 -m
 * pyx12.scripts.x12valid`. When none works the caller skips its tests visibly, unless
 * CI is set or REQUIRE_X12VALID=1: then a missing validator fails the suite.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface X12ValidResult {
  ok: boolean;
  errors: string[];
}

interface Command {
  file: string;
  args: string[];
}

const CANDIDATES: Command[] = [
  ...(process.env.X12VALID ? [{ file: process.env.X12VALID, args: [] }] : []),
  { file: 'x12valid', args: [] },
  { file: 'python3', args: ['-m', 'pyx12.scripts.x12valid'] },
  { file: 'python', args: ['-m', 'pyx12.scripts.x12valid'] },
];

let found: Command | null | undefined;

/** The first candidate that answers `--version` with "x12valid <version>", or null. */
function findX12Valid(): Command | null {
  if (found !== undefined) return found;
  found = null;
  for (const candidate of CANDIDATES) {
    const run = spawnSync(candidate.file, [...candidate.args, '--version'], { encoding: 'utf8', timeout: 30_000 });
    if (run.error) continue;
    // argparse prints "x12valid 4.0.0"; a Python without pyx12 also mentions x12valid, in its error.
    if (run.status === 0 && /^x12valid \d/m.test(`${run.stdout}${run.stderr}`)) {
      found = candidate;
      break;
    }
  }
  return found;
}

/** True when a missing validator must fail the run rather than skip. */
function x12validRequired(): boolean {
  return Boolean(process.env.CI) || process.env.REQUIRE_X12VALID === '1';
}

/**
 * `describe` for suites that need x12valid: runs them when it is installed, fails
 * (CI / REQUIRE_X12VALID=1) or skips with a console message when it is not.
 */
export function describeWithX12Valid(name: string, body: () => void): void {
  if (findX12Valid()) {
    describe(name, body);
    return;
  }
  if (x12validRequired()) {
    describe(name, () => {
      test('x12valid (pyx12) is installed', () => {
        throw new Error('x12valid not found (pip install pyx12==4.0.0): CI or REQUIRE_X12VALID=1 requires it');
      });
    });
    return;
  }
  console.warn(`SKIPPED "${name}": x12valid not found (pip install pyx12==4.0.0 to run these tests)`);
  describe.skip(name, body);
}

interface ReportedError {
  where: string;
  message: string;
}

/** Every error in x12valid's -J report, labelled with the loop level, segment and element it sits on. */
function jsonErrors(report: unknown): ReportedError[] {
  const errors: ReportedError[] = [];
  const visit = (node: unknown, where: string): void => {
    if (Array.isArray(node)) return node.forEach((n) => visit(n, where));
    if (!node || typeof node !== 'object') return;
    const r = node as Record<string, unknown>;
    let here = where;
    if (r.isa_trn_set_id !== undefined) here = `interchange ${String(r.isa_trn_set_id)}`;
    else if (r.gs_control_num !== undefined) here = `group ${String(r.gs_control_num)}`;
    else if (r.trn_set_id !== undefined) here = `transaction set ${String(r.trn_set_control_num)}`;
    else if (r.seg_id !== undefined) here = `${String(r.seg_id)} (segment ${String(r.seg_count)} of the transaction set, line ${String(r.cur_line)})`;
    else if (r.ele_pos !== undefined) here = `${where} element ${String(r.ele_pos)}${r.subele_pos ? `-${String(r.subele_pos)}` : ''}`;
    if (Array.isArray(r.errors)) {
      for (const e of r.errors as Record<string, unknown>[]) errors.push({ where: here, message: `[${String(e.err_cde)}] ${String(e.err_str)}` });
    }
    for (const [key, value] of Object.entries(r)) if (key !== 'errors' && typeof value === 'object') visit(value, here);
  };
  visit(report, 'file');
  return errors;
}

/** Validates X12 text with x12valid. Throws when the validator is not installed. */
export function x12valid(x12: string): X12ValidResult {
  const command = findX12Valid();
  if (!command) throw new Error('x12valid not found: pip install pyx12==4.0.0');
  const dir = mkdtempSync(join(tmpdir(), 'x12valid-'));
  try {
    const file = join(dir, 'input.x12');
    writeFileSync(file, x12);
    const run = spawnSync(command.file, [...command.args, '-J', file], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    if (run.error) throw run.error;
    const output = `${run.stdout}\n${run.stderr}`;
    const logged = output
      .split('\n')
      .filter((l) => / (ERROR|CRITICAL) /.test(l))
      // pyx12 cannot write its own 999 for transaction sets without ST03 (the 835 does
      // not use ST03); that is about its acknowledgment writer, not about our file.
      .filter((l) => !l.includes('Failed to create 999 response'))
      .map((l) => l.replace(/^.* (ERROR|CRITICAL) /, ''));
    let reported: ReportedError[] = [];
    try {
      reported = jsonErrors(JSON.parse(readFileSync(`${file}.json`, 'utf8')));
    } catch {
      // No JSON: pyx12 stopped before writing it; the log lines and verdict below say why.
    }
    // The JSON names segment and element; a logged error it does not carry is kept too.
    const messageOf = (line: string) => line.replace(/^Line:\d+ (\S+:\d+ )?- /, '');
    const errors = [
      ...reported.map((r) => `${r.where}: ${r.message}`),
      ...logged.filter((l) => !reported.some((r) => messageOf(l).startsWith(r.message.replace(/^\[\S+\] /, '')))),
    ];
    const verdict = /: (OK|Failure)\s*$/.exec(run.stderr.trimEnd());
    if (!verdict) errors.push(`x12valid gave no verdict: ${output.trim().slice(-500)}`);
    else if (verdict[1] === 'Failure' && errors.length === 0) errors.push('x12valid reported Failure without an error message');
    return { ok: verdict?.[1] === 'OK' && errors.length === 0, errors };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
