/**
 * The messaging adapters against real parts: the sandbox and the send log against a test
 * database, the SMS adapter against an HTTP server speaking Twilio's API, the email
 * adapter against an SMTP server written here on node:net. Every error they throw names
 * the key, the status and the gateway's code, never the number, the address or the text.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import type { ApplicationFailure } from '@temporalio/common';
import { loadConfig } from '../../config';
import { withPhiFreeFailures } from '../../activities/failures';
import { createEmailGateway } from '../../activities/messaging/email';
import { MessagingGatewayError } from '../../activities/messaging/gateway';
import { createMessenger, messagingOptions } from '../../activities/messaging/index';
import { createSandboxMessenger } from '../../activities/messaging/sandbox';
import { createSmsGateway, type SmsOptions } from '../../activities/messaging/sms';
import type { OutboundMessage } from '../../activities/messaging/types';
import { outboundMessages } from '../../db/schema';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { phiIn } from '../support/phi';

const PHONE = '+16145559876';
const ADDRESS = 'pat.quillonby@example.com';
const BODY = 'Hi Pat Quillonby, your CPAP mask is due: reply YES to reorder';
const SUBJECT = 'CPAP supplies for Pat Quillonby';
const PHI = [PHONE, '6145559876', ADDRESS, 'Quillonby', BODY, SUBJECT];

const ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';
const AUTH_TOKEN = 'token-0123456789';

let database: TestDatabase;
let sms: SmsGateway;
let smtp: SmtpServer;

beforeAll(async () => {
  database = await createTestDatabase();
  sms = await startSmsGateway();
  smtp = await startSmtpServer();
});
afterAll(async () => {
  await sms?.close();
  await smtp?.close();
  await database?.drop();
});
beforeEach(() => {
  sms.reset();
  smtp.reset();
});

const newKey = () => `resupply-${randomUUID()}:3:1`;
const smsMessage = (key = newKey()): OutboundMessage => ({ key, channel: 'sms', to: PHONE, body: BODY });
const emailMessage = (key = newKey()): OutboundMessage => ({ key, channel: 'email', to: ADDRESS, subject: SUBJECT, body: BODY });
const smsOptions = (overrides: Partial<SmsOptions> = {}): SmsOptions => ({
  apiUrl: sms.url,
  accountSid: ACCOUNT_SID,
  authToken: AUTH_TOKEN,
  from: '+16145550100',
  ...overrides,
});
const emailOptions = () => ({ smtpUrl: `smtp://mailer:s3cret@127.0.0.1:${smtp.port}`, from: 'Durable DME <outreach@dme.example>' });

async function rowOf(key: string) {
  const [row] = await database.db.select().from(outboundMessages).where(eq(outboundMessages.key, key));
  return row;
}

async function rejectionOf(sending: Promise<unknown>): Promise<Error> {
  const error = await sending.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

/** The error as operators and Temporal see it: message, stack and every field. */
function expectPhiFree(error: Error): void {
  for (const text of [error.message, error.stack ?? '', JSON.stringify(error)]) expect(phiIn(text, PHI)).toEqual([]);
}

describe('the sandbox messenger', () => {
  test('records a message once per key: the second send is already-sent and writes nothing', async () => {
    const messenger = createSandboxMessenger(database.db);
    const message = emailMessage();

    const first = await messenger.send(message);
    const second = await messenger.send({ ...message, body: 'a changed text' });

    expect(first).toEqual({ key: message.key, outcome: 'recorded', providerId: expect.stringMatching(/^sandbox-[0-9a-f]+$/) });
    expect(second).toEqual({ key: message.key, outcome: 'already-sent', providerId: first.providerId });
    expect(await rowOf(message.key)).toMatchObject({
      channel: 'email',
      adapter: 'sandbox',
      recipient: ADDRESS,
      subject: SUBJECT,
      body: BODY,
      status: 'recorded',
      providerId: first.providerId,
      sentAt: null,
    });
  });

  test('different keys are different messages with different ids', async () => {
    const messenger = createSandboxMessenger(database.db);
    const [a, b] = [await messenger.send(smsMessage()), await messenger.send(smsMessage())];
    expect(a.outcome).toBe('recorded');
    expect(b.outcome).toBe('recorded');
    expect(a.providerId).not.toBe(b.providerId);
  });

  test('refuses an email without a subject, as the live messenger does', async () => {
    const message = { ...emailMessage(), subject: ' ' };
    const error = await rejectionOf(createSandboxMessenger(database.db).send(message));
    expect(error).toMatchObject({ type: 'MessageInvalid', nonRetryable: true });
    expect(await rowOf(message.key)).toBeUndefined();
  });
});

describe('the SMS adapter', () => {
  test('posts the form to the account’s Messages.json with Basic auth and answers the sid', async () => {
    const sid = await createSmsGateway(smsOptions()).deliver(smsMessage());

    expect(sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(sms.received).toHaveLength(1);
    const [request] = sms.received;
    expect(request.method).toBe('POST');
    expect(request.path).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
    expect(request.authorization).toBe(`Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`);
    expect(request.contentType).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(request.form)).toEqual({ To: PHONE, From: '+16145550100', Body: BODY });
  });

  test('a sender starting with MG is a messaging service: MessagingServiceSid instead of From', async () => {
    const service = 'MG0123456789abcdef0123456789abcdef';
    await createSmsGateway(smsOptions({ from: service, apiUrl: `${sms.url}/` })).deliver(smsMessage());
    expect(sms.received[0].path).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
    expect(Object.fromEntries(sms.received[0].form)).toEqual({ To: PHONE, MessagingServiceSid: service, Body: BODY });
  });

  test('a 400 with the gateway’s error is not retried and names its status and code, not the number it echoes', async () => {
    sms.answer(400, {
      code: 21211,
      message: `The 'To' number ${PHONE} is not a valid phone number.`,
      more_info: 'https://example.test/21211',
      status: 400,
    });
    const message = smsMessage();

    const error = await rejectionOf(createSmsGateway(smsOptions()).deliver(message));

    expect(error).toBeInstanceOf(MessagingGatewayError);
    expect(error).toMatchObject({ name: 'MessagingGatewayError', type: 'MessagingGatewayError', retryable: false, nonRetryable: true });
    expect((error as MessagingGatewayError).facts).toEqual({ adapter: 'sms', key: message.key, status: 400, gatewayCode: 21211, retryable: false });
    expect(error.message).toContain('HTTP 400 (code 21211)');
    expect(error.message).toContain(message.key);
    expectPhiFree(error);
  });

  test.each([503, 429])('a %p is retried', async (status) => {
    sms.answer(status, { code: 20429, message: `Too many requests for ${PHONE}` });
    const error = await rejectionOf(createSmsGateway(smsOptions()).deliver(smsMessage()));
    expect(error).toMatchObject({ retryable: true, nonRetryable: false, facts: { status, gatewayCode: 20429 } });
    expectPhiFree(error);
  });

  test('a gateway answering without JSON is still reported by its status', async () => {
    sms.answer(502, `<html>upstream of ${PHONE} failed</html>`);
    const error = await rejectionOf(createSmsGateway(smsOptions()).deliver(smsMessage()));
    expect((error as MessagingGatewayError).facts).toMatchObject({ status: 502, retryable: true });
    expect((error as MessagingGatewayError).facts.gatewayCode).toBeUndefined();
    expectPhiFree(error);
  });

  test('a success without a sid is not retried: the text may have gone out', async () => {
    sms.answer(201, { status: 'queued' });
    const error = await rejectionOf(createSmsGateway(smsOptions()).deliver(smsMessage()));
    expect(error).toMatchObject({ retryable: false, facts: { status: 201 } });
    expect(error.message).toContain('without a message id');
  });

  test('a gateway that cannot be reached is retried, named by the socket’s code', async () => {
    const error = await rejectionOf(createSmsGateway(smsOptions({ apiUrl: `http://127.0.0.1:${await closedPort()}` })).deliver(smsMessage()));
    expect(error).toMatchObject({ retryable: true, facts: { errno: 'ECONNREFUSED' } });
    expect(error.message).toContain('could not be reached (ECONNREFUSED)');
    expectPhiFree(error);
  });
});

describe('the email adapter', () => {
  test('sends the text to the recipient over SMTP, logged in with the URL’s user', async () => {
    const messageId = await createEmailGateway(emailOptions()).deliver(emailMessage());

    expect(messageId).toMatch(/^<.+@.+>$/);
    expect(smtp.mails).toHaveLength(1);
    const [mail] = smtp.mails;
    expect(mail.login).toEqual({ user: 'mailer', pass: 's3cret' });
    expect(mail.from).toBe('outreach@dme.example');
    expect(mail.to).toEqual([ADDRESS]);
    expect(mail.data).toMatch(new RegExp(`^Subject: ${SUBJECT}\r$`, 'm'));
    expect(mail.data).toMatch(new RegExp(`^To: ${ADDRESS}\r$`, 'm'));
    expect(mail.data).toMatch(/^Content-Type: text\/plain/m);
    expect(mail.data.split('\r\n\r\n').slice(1).join('\r\n\r\n')).toContain(BODY);
  });

  test('a recipient refused with 550 is not retried, and the reply quoting the address is not kept', async () => {
    smtp.recipientReply = `550 5.1.1 <${ADDRESS}>: Recipient address rejected: User unknown`;
    const message = emailMessage();

    const error = await rejectionOf(createEmailGateway(emailOptions()).deliver(message));

    expect(error).toBeInstanceOf(MessagingGatewayError);
    expect((error as MessagingGatewayError).facts).toEqual({
      adapter: 'email',
      key: message.key,
      status: 550,
      gatewayCode: 'EENVELOPE',
      retryable: false,
    });
    expect(error.message).toContain('reply 550 (code EENVELOPE)');
    expectPhiFree(error);
  });

  test('a temporary refusal (451) is retried', async () => {
    smtp.recipientReply = `451 4.7.1 <${ADDRESS}>: greylisted, try again later`;
    const error = await rejectionOf(createEmailGateway(emailOptions()).deliver(emailMessage()));
    expect(error).toMatchObject({ retryable: true, facts: { status: 451 } });
    expectPhiFree(error);
  });

  test('a server that cannot be reached is retried', async () => {
    const options = { ...emailOptions(), smtpUrl: `smtp://127.0.0.1:${await closedPort()}` };
    const error = await rejectionOf(createEmailGateway(options).deliver(emailMessage()));
    expect(error).toMatchObject({ retryable: true, facts: { errno: expect.stringMatching(/^E[A-Z]+$/) } });
    expect((error as MessagingGatewayError).facts.status).toBeUndefined();
    expectPhiFree(error);
  });
});

describe('the live messenger’s send log', () => {
  const live = () => createMessenger({ kind: 'live', sms: smsOptions(), email: emailOptions() }, database.db);

  test('a second send with the same key does not reach the gateway', async () => {
    const message = smsMessage();

    const first = await live().send(message);
    const second = await live().send(message);

    expect(first).toEqual({ key: message.key, outcome: 'sent', providerId: expect.stringMatching(/^SM/) });
    expect(second).toEqual({ key: message.key, outcome: 'already-sent', providerId: first.providerId });
    expect(sms.received).toHaveLength(1);
    expect(await rowOf(message.key)).toMatchObject({
      channel: 'sms',
      adapter: 'sms',
      recipient: PHONE,
      body: BODY,
      status: 'sent',
      providerId: first.providerId,
    });
    expect((await rowOf(message.key)).sentAt).toBeInstanceOf(Date);
  });

  test('a refused send marks the row failed and throws; the retry sends', async () => {
    const message = smsMessage();
    sms.answer(503, { code: 20503, message: 'Service unavailable' });

    const error = await rejectionOf(live().send(message));
    expect(error).toMatchObject({ retryable: true });
    expect(await rowOf(message.key)).toMatchObject({ status: 'failed', providerId: null, sentAt: null });

    const retried = await live().send(message);
    expect(retried.outcome).toBe('sent');
    expect(sms.received).toHaveLength(2);
    expect(await rowOf(message.key)).toMatchObject({ status: 'sent', providerId: retried.providerId });
  });

  test('a row left sending by a try that died is sent again (at least once)', async () => {
    const message = smsMessage();
    await database.db
      .insert(outboundMessages)
      .values({ key: message.key, channel: 'sms', adapter: 'sms', recipient: PHONE, body: BODY, status: 'sending' });

    expect((await live().send(message)).outcome).toBe('sent');
    expect(sms.received).toHaveLength(1);
  });

  test('a key the sandbox recorded is not sent by a live messenger', async () => {
    const message = smsMessage();
    const recorded = await createSandboxMessenger(database.db).send(message);

    expect(await live().send(message)).toEqual({ key: message.key, outcome: 'already-sent', providerId: recorded.providerId });
    expect(sms.received).toHaveLength(0);
  });

  test('email goes to the SMTP server and its row names the email adapter', async () => {
    const message = emailMessage();
    const result = await live().send(message);

    expect(result.outcome).toBe('sent');
    expect(smtp.mails.map((mail) => mail.to)).toEqual([[ADDRESS]]);
    expect(sms.received).toHaveLength(0);
    expect(await rowOf(message.key)).toMatchObject({ adapter: 'email', subject: SUBJECT, status: 'sent', providerId: result.providerId });
  });

  test('a channel without its adapter fails as MessagingNotConfigured, naming the channel, and writes nothing', async () => {
    const messenger = createMessenger({ kind: 'live', sms: smsOptions() }, database.db);
    const message = emailMessage();

    const error = await rejectionOf(messenger.send(message));

    expect(error).toMatchObject({ name: 'MessagingNotConfigured', type: 'MessagingNotConfigured', nonRetryable: true, retryable: false });
    expect(error.message).toContain('email channel is not configured');
    expectPhiFree(error);
    expect(await rowOf(message.key)).toBeUndefined();
  });

  test('the activity boundary lets a refusal through with its type and retry flag', async () => {
    sms.answer(400, { code: 21610, message: `${PHONE} has replied STOP` });
    const { sendMessage } = withPhiFreeFailures({ sendMessage: (message: OutboundMessage) => live().send(message) });

    const failure = (await rejectionOf(sendMessage(smsMessage()))) as ApplicationFailure;

    expect(failure).toMatchObject({ type: 'MessagingGatewayError', nonRetryable: true, details: [{ status: 400, gatewayCode: 21610 }] });
    expectPhiFree(failure);
  });
});

describe('messagingOptions', () => {
  test('the sandbox by default, with no live channel', () => {
    expect(messagingOptions(loadConfig({}))).toEqual({ kind: 'sandbox' });
  });

  test('live, with each channel whose variables are all set', () => {
    const config = loadConfig({
      MESSAGING: 'live',
      SMS_ACCOUNT_SID: ACCOUNT_SID,
      SMS_AUTH_TOKEN: AUTH_TOKEN,
      SMS_FROM: '+16145550100',
      SMTP_URL: 'smtps://mailer:s3cret@smtp.example:465',
      EMAIL_FROM: 'outreach@dme.example',
    });
    expect(messagingOptions(config)).toEqual({
      kind: 'live',
      sms: { apiUrl: 'https://api.twilio.com', accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: '+16145550100' },
      email: { smtpUrl: 'smtps://mailer:s3cret@smtp.example:465', from: 'outreach@dme.example' },
    });
    expect(messagingOptions(loadConfig({ MESSAGING: 'live', SMTP_URL: 'smtp://127.0.0.1:25', EMAIL_FROM: 'outreach@dme.example' }))).toEqual({
      kind: 'live',
      email: { smtpUrl: 'smtp://127.0.0.1:25', from: 'outreach@dme.example' },
    });
  });
});

// ---- the gateways, real servers on 127.0.0.1 ----

interface SmsRequest {
  method: string;
  path: string;
  authorization: string;
  contentType: string;
  form: URLSearchParams;
}

interface SmsGateway {
  url: string;
  received: SmsRequest[];
  /** The next request's answer (JSON unless a string); unscripted requests get 201 with a new sid. */
  answer(status: number, body: unknown): void;
  reset(): void;
  close(): Promise<void>;
}

async function startSmsGateway(): Promise<SmsGateway> {
  const received: SmsRequest[] = [];
  const answers: { status: number; body: unknown }[] = [];
  const server = http.createServer((request, response) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (text += chunk));
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        path: request.url ?? '',
        authorization: request.headers.authorization ?? '',
        contentType: request.headers['content-type'] ?? '',
        form: new URLSearchParams(text),
      });
      const { status, body } = answers.shift() ?? { status: 201, body: { sid: `SM${randomUUID().replace(/-/g, '')}`, status: 'queued' } };
      response.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/html' : 'application/json' });
      response.end(typeof body === 'string' ? body : JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    answer: (status, body) => void answers.push({ status, body }),
    reset: () => {
      received.length = 0;
      answers.length = 0;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

interface ReceivedMail {
  login?: { user: string; pass: string };
  from: string;
  to: string[];
  data: string;
}

interface SmtpServer {
  port: number;
  mails: ReceivedMail[];
  /** The reply to every RCPT TO until reset (default 250). */
  recipientReply: string;
  reset(): void;
  close(): Promise<void>;
}

/** Enough SMTP for nodemailer: EHLO offering AUTH (no STARTTLS), MAIL, RCPT, DATA, QUIT. */
async function startSmtpServer(): Promise<SmtpServer> {
  const state: SmtpServer = {
    port: 0,
    mails: [],
    recipientReply: '250 2.1.5 OK',
    reset: () => {
      state.mails.length = 0;
      state.recipientReply = '250 2.1.5 OK';
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setEncoding('utf8');
    const session = smtpSession(
      state,
      (line) => socket.write(`${line}\r\n`),
      () => socket.end(),
    );
    let buffer = '';
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      buffer = session(buffer);
    });
    socket.write('220 127.0.0.1 ESMTP test\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  const close = state.close;
  state.close = () => {
    for (const socket of sockets) socket.destroy();
    return close();
  };
  return state;
}

/** One connection's dialogue: takes what arrived, answers every whole command, returns what is left. */
function smtpSession(state: SmtpServer, reply: (line: string) => void, end: () => void): (buffer: string) => string {
  let mail: ReceivedMail = { from: '', to: [], data: '' };
  let login: ReceivedMail['login'];
  let awaiting: 'data' | 'plain' | 'user' | 'pass' | undefined;
  let user = '';
  const decode = (text: string) => Buffer.from(text, 'base64').toString('utf8');
  const plain = (text: string) => {
    const [, name, pass] = decode(text).split('\0');
    login = { user: name, pass };
    reply('235 2.7.0 Authentication successful');
  };
  const command = (line: string) => {
    if (awaiting === 'plain') {
      awaiting = undefined;
      return plain(line);
    }
    if (awaiting === 'user') {
      awaiting = 'pass';
      user = decode(line);
      return reply('334 UGFzc3dvcmQ6');
    }
    if (awaiting === 'pass') {
      awaiting = undefined;
      login = { user, pass: decode(line) };
      return reply('235 2.7.0 Authentication successful');
    }
    const verb = line.split(' ')[0].toUpperCase();
    const argument = line.slice(verb.length).trim();
    switch (verb) {
      case 'EHLO':
        return reply('250-127.0.0.1 greets you\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME');
      case 'HELO':
        return reply('250 127.0.0.1');
      case 'AUTH': {
        const [method, initial] = argument.split(' ');
        if (method.toUpperCase() === 'PLAIN' && initial) return plain(initial);
        awaiting = method.toUpperCase() === 'PLAIN' ? 'plain' : 'user';
        return reply(awaiting === 'plain' ? '334 ' : '334 VXNlcm5hbWU6');
      }
      case 'MAIL':
        mail = { login, from: /<([^>]*)>/.exec(argument)?.[1] ?? '', to: [], data: '' };
        return reply('250 2.1.0 OK');
      case 'RCPT':
        if (state.recipientReply.startsWith('250')) mail.to.push(/<([^>]*)>/.exec(argument)?.[1] ?? '');
        return reply(state.recipientReply);
      case 'DATA':
        awaiting = 'data';
        return reply('354 End data with <CR><LF>.<CR><LF>');
      case 'RSET':
      case 'NOOP':
        return reply('250 2.0.0 OK');
      case 'QUIT':
        reply('221 2.0.0 Bye');
        return end();
      default:
        return reply('502 5.5.2 Command not recognized');
    }
  };
  return (buffer) => {
    for (;;) {
      if (awaiting === 'data') {
        const end = buffer.indexOf('\r\n.\r\n');
        if (end < 0) return buffer;
        state.mails.push({ ...mail, data: buffer.slice(0, end) });
        awaiting = undefined;
        buffer = buffer.slice(end + 5);
        reply('250 2.0.0 OK queued');
        continue;
      }
      const eol = buffer.indexOf('\r\n');
      if (eol < 0) return buffer;
      command(buffer.slice(0, eol));
      buffer = buffer.slice(eol + 2);
    }
  };
}

/** A port nothing listens on: one the system just handed out and took back. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
