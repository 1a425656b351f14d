/**
 * What every request must be before a route reads it: a body within its size limit,
 * JSON that parses, is valid UTF-8 and is an object, and text without control
 * characters in any JSON string (keys too), query parameter or path segment. One
 * middleware checks it all, so every route gets the same 400/413/415 naming the field.
 *
 * Why no control characters: every text field ends up in an X12 element (names,
 * addresses, references) or in a database text column; X12 allows none (its basic and
 * extended character sets), Postgres refuses NUL in text, and a lone UTF-16 surrogate
 * cannot be encoded as UTF-8 at all. No JSON field of this API takes line breaks.
 */
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from './auth';
import { ApiError, validationError, type FieldProblem } from './errors';

/** JSON bodies: the largest, an order of 50 items or a delivery's serial numbers, is a few hundred KiB. */
const jsonBodyLimit = 1024 * 1024;

/**
 * An 835 upload: an 835 of 10,000 one-line claims (scripts/bench-posting.ts's
 * generator) is 2.2 MiB, the benchmark's 10,000 claims of 12,970 lines 3.1 MiB;
 * 16 MiB takes about 50,000 claims, more than a DME MAC puts in one weekly file.
 */
const x12BodyLimit = 16 * 1024 * 1024;

/** The API's upload, and the web app's form that carries the same file. */
const x12Upload = (method: string, path: string) => method === 'POST' && (path === '/remittances' || path === '/app/remittances');

/** C0 controls (TAB, LF and CR included), DEL, C1 controls, and a UTF-16 surrogate without its pair. */
// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's purpose
const forbidden = /[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function textProblem(value: string): string | undefined {
  const match = forbidden.exec(value);
  if (!match) return undefined;
  const code = `U+${match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  return match[0].length === 1 && /[\ud800-\udfff]/.test(match[0])
    ? `holds an unpaired UTF-16 surrogate (${code}) at character ${match.index + 1}`
    : `holds the control character ${code} at character ${match.index + 1}: text fields take none (no line breaks or tabs either)`;
}

/** At most this many problems are listed: a body of a million bad strings answers with the first ones. */
const maxProblems = 20;

/** No request schema nests deeper than a few levels; a body nested thousands deep is an attack on the parser's stack. */
const maxDepth = 32;

/**
 * Every string in a parsed JSON value (object keys too) holding a forbidden character,
 * by field path; and a value nested deeper than any request schema goes.
 */
function jsonTextProblems(value: unknown, path: string[] = [], problems: FieldProblem[] = []): FieldProblem[] {
  if (problems.length >= maxProblems) return problems;
  const field = () => path.join('.') || '(body)';
  if (path.length > maxDepth) {
    problems.push({ field: field(), message: `nests deeper than ${maxDepth} levels` });
  } else if (typeof value === 'string') {
    const problem = textProblem(value);
    if (problem) problems.push({ field: field(), message: problem });
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => jsonTextProblems(item, [...path, String(index)], problems));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const keyProblem = textProblem(key);
      if (keyProblem) problems.push({ field: [...path, '(key)'].join('.'), message: `a property name ${keyProblem}` });
      else jsonTextProblems(item, [...path, key], problems);
      if (problems.length >= maxProblems) break;
    }
  }
  return problems;
}

function decoded(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw validationError([{ field: what, message: 'is not valid percent-encoded UTF-8' }]);
  }
}

/** Query parameters and path segments, decoded as the routes will read them. */
function urlProblems(url: URL): FieldProblem[] {
  const problems: FieldProblem[] = [];
  url.pathname.split('/').forEach((segment) => {
    const problem = textProblem(decoded(segment, 'path'));
    if (problem) problems.push({ field: 'path', message: `a path segment ${problem}` });
  });
  for (const pair of url.search.slice(1).split('&')) {
    if (pair === '') continue;
    const [rawKey, ...rest] = pair.split('=');
    const key = decoded(rawKey.replace(/\+/g, ' '), 'query');
    const value = decoded(rest.join('=').replace(/\+/g, ' '), `query.${key}`);
    const keyProblem = textProblem(key);
    if (keyProblem) problems.push({ field: 'query', message: `a parameter name ${keyProblem}` });
    const problem = textProblem(value);
    if (problem) problems.push({ field: `query.${key}`, message: problem });
  }
  return problems;
}

const isJson = (contentType: string) => /^application\/([a-z0-9.-]+\+)?json$/.test(contentType);
const hasBody = (method: string) => method !== 'GET' && method !== 'HEAD';

/** Size limits: the 835 upload's, and the JSON one for everything else (413 naming the limit). */
export function bodyLimits(): MiddlewareHandler<AppEnv> {
  const limit = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: () => {
        throw new ApiError(413, 'too_large', `The request body is larger than ${maxSize / 1024 / 1024} MiB`);
      },
    });
  const x12 = limit(x12BodyLimit);
  const json = limit(jsonBodyLimit);
  return (c, next) => (x12Upload(c.req.method, c.req.path) ? x12(c, next) : json(c, next));
}

/**
 * Refuses, before any route: control characters in the path or query (400); for JSON
 * bodies, bytes that are not UTF-8, JSON that does not parse or is not an object, and
 * control characters in any string (400 naming each field); a body on a JSON route
 * sent as another media type (415). Hono keeps the bytes read here for the route, which parses them again.
 */
export function cleanInput(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const urlIssues = urlProblems(new URL(c.req.url));
    if (urlIssues.length) throw validationError(urlIssues);
    if (!hasBody(c.req.method) || x12Upload(c.req.method, c.req.path)) return next();

    const bytes = await c.req.arrayBuffer();
    if (bytes.byteLength === 0) return next();
    const contentType = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
    if (!isJson(contentType)) throw new ApiError(415, 'unsupported_media_type', 'Send the body as application/json');
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw validationError([{ field: '(body)', message: 'is not valid UTF-8' }]);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw validationError([{ field: '(body)', message: 'is not valid JSON' }]);
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw validationError([{ field: '(body)', message: 'must be a JSON object' }]);
    }
    const problems = jsonTextProblems(body);
    if (problems.length) throw validationError(problems);
    return next();
  };
}
