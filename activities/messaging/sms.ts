/**
 * The SMS adapter: one POST per message to a gateway speaking Twilio's REST API
 * (`/2010-04-01/Accounts/{sid}/Messages.json`, Basic auth, a form body), which answers
 * 201 with the message's `sid`. A sender starting with `MG` is a messaging service, which
 * picks the number itself.
 *
 * A refusal is reported by its HTTP status and the gateway's numeric code only: its
 * `message` quotes the number it refused ("The 'To' number +1… is not valid").
 */
import { MessagingGatewayError, type Gateway } from './gateway';
import type { OutboundMessage } from './types';

export interface SmsOptions {
  /** The API's origin, `https://api.twilio.com` or a compatible gateway's. */
  apiUrl: string;
  accountSid: string;
  authToken: string;
  /** Our number (E.164 or a short code), or a messaging service SID (`MG…`). */
  from: string;
}

/** A send that hangs longer than this fails and the activity retries (the at-least-once edge, see index.ts). */
const requestTimeoutMs = 10_000;

export function createSmsGateway(options: SmsOptions): Gateway {
  const url = `${options.apiUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(options.accountSid)}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;
  const sender = options.from.startsWith('MG') ? 'MessagingServiceSid' : 'From';
  return {
    adapter: 'sms',
    deliver: async (message) => {
      const form = new URLSearchParams({ To: message.to, [sender]: options.from, Body: message.body });
      const response = await post(url, authorization, form, message);
      const answer = await jsonOf(response);
      if (!response.ok) throw refusal(message, response.status, answer);
      const sid = (answer as { sid?: unknown } | undefined)?.sid;
      // A success without a sid may still have sent the text: retrying could send it twice.
      if (typeof sid !== 'string' || sid === '')
        throw new MessagingGatewayError({ adapter: 'sms', key: message.key, status: response.status, retryable: false });
      return sid;
    },
  };
}

async function post(url: string, authorization: string, form: URLSearchParams, message: OutboundMessage): Promise<Response> {
  try {
    return await fetch(url, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
      signal: AbortSignal.timeout(requestTimeoutMs),
    });
  } catch (error) {
    throw new MessagingGatewayError({ adapter: 'sms', key: message.key, errno: networkCode(error), retryable: true });
  }
}

/** The answer's JSON, or nothing when it has none; a body cut off by the timeout counts as none. */
async function jsonOf(response: Response): Promise<unknown> {
  try {
    return JSON.parse(await response.text()) as unknown;
  } catch {
    return undefined;
  }
}

/** Busy (429) and the gateway's own failures (5xx) pass; any other refusal is about the request and stays. */
function refusal(message: OutboundMessage, status: number, answer: unknown): MessagingGatewayError {
  const code = (answer as { code?: unknown } | undefined)?.code;
  return new MessagingGatewayError({
    adapter: 'sms',
    key: message.key,
    status,
    ...(Number.isInteger(code) ? { gatewayCode: code as number } : {}),
    retryable: status === 429 || status >= 500,
  });
}

/** fetch's TypeError says only "fetch failed": the socket's code is in its cause. */
function networkCode(error: unknown): string {
  for (let current = error, depth = 0; current && depth < 5; current = (current as { cause?: unknown }).cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(code)) return code;
  }
  const name = error instanceof Error ? error.name : '';
  return name === 'TimeoutError' || name === 'AbortError' ? name : 'NETWORK_ERROR';
}
