import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, freshDatabaseUrl } from '../../test/dialects.js';
import { openThreadline, type Threadline } from '../context.js';
import { newUuid } from '../ids.js';
import type { ObserverEvent } from '../events/types.js';
import { parseAlerts } from './config.js';
import { AlertDispatcher } from './dispatcher.js';
import { ruleMatches } from './rules.js';

const event = (over: Partial<ObserverEvent> = {}): ObserverEvent => ({
  id: newUuid(),
  time: Date.now(),
  stage: 'production',
  kind: 'drift_detected',
  severity: 'warning',
  summary: 'age drifted',
  subjects: [{ type: 'deployment', id: 'prod#2' }],
  details: { share: 0.4, columns: { age: { score: 0.31 } } },
  source: 'production',
  fingerprint: 'prod#2:age',
  ...over,
});

/** A loopback HTTP receiver that records what it is sent, answering `status`. */
async function receiver(status = 200) {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON body: each test asserts the fields it reads
  const bodies: { url: string; headers: http.IncomingHttpHeaders; body: any }[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      bodies.push({ url: req.url!, headers: req.headers, body: JSON.parse(raw) });
      res.statusCode = status;
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { bodies, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(r)) };
}

describe('alert rules', () => {
  const config = parseAlerts({
    notifiers: [{ name: 'hook', type: 'webhook', url: 'http://127.0.0.1:9/x' }],
    rules: [
      { name: 'drift', stage: ['production', 'features'], kind: 'drift_detected', severity: 'warning', threshold: { field: 'details.share', above: 0.3 }, notify: ['hook'] },
      { name: 'errors', severity: 'error', notify: ['hook'] },
    ],
  });
  const [drift, errors] = config.rules as [typeof config.rules[0], typeof config.rules[0]];

  it('match on stage, kind, severity at least, and a threshold inside details', () => {
    expect(ruleMatches(drift, event())).toBe(true);
    expect(ruleMatches(drift, event({ stage: 'data' }))).toBe(false);
    expect(ruleMatches(drift, event({ details: { share: 0.2 } }))).toBe(false);
    expect(ruleMatches(drift, event({ details: {} }))).toBe(false);
    expect(ruleMatches(drift, event({ severity: 'info' }))).toBe(false);
    expect(ruleMatches(errors, event({ severity: 'critical' }))).toBe(true);
    expect(ruleMatches(errors, event({ severity: 'warning' }))).toBe(false);
  });

  it('refuse a rule that names a missing notifier, a bad duration or an unknown stage', () => {
    expect(() => parseAlerts({ notifiers: [], rules: [{ name: 'r', notify: ['slack'] }] })).toThrow(/notifies 'slack', which is not among the notifiers/);
    expect(() => parseAlerts({ notifiers: [{ name: 'h', type: 'webhook', url: 'http://127.0.0.1/' }], rules: [{ name: 'r', cooldown: 'soon', notify: ['h'] }] })).toThrow(/cooldown takes a duration/);
    expect(() => parseAlerts({ rules: [{ name: 'r', stage: 'moon', notify: [] }] })).toThrow(/alerts rules\.0\.stage: /);
    expect(() => parseAlerts({ notifiers: [{ name: 'm', type: 'pager' }] })).toThrow(/alerts notifiers\.0/);
  });
});

describe.each(dialects)('alert delivery on %s', (dialect) => {
  let tl: Threadline;
  let hook: Awaited<ReturnType<typeof receiver>>;
  let slack: Awaited<ReturnType<typeof receiver>>;
  let broken: Awaited<ReturnType<typeof receiver>>;
  let smtp: SMTPServer;
  let smtpPort: number;
  const mails: { from: string; to: string[]; data: string; user?: string }[] = [];

  beforeAll(async () => {
    tl = await openThreadline({ databaseUrl: await freshDatabaseUrl(dialect), artifactsUrl: `/tmp/threadline-alerts-${newUuid()}`, s3: { region: 'us-east-1', forcePathStyle: true } });
    [hook, slack, broken] = await Promise.all([receiver(), receiver(), receiver(503)]);
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onAuth(auth, _session, done) {
        done(auth.username === 'alerts' && auth.password === 'hunter2' ? null : new Error('bad login'), { user: auth.username });
      },
      onData(stream, session, done) {
        let data = '';
        stream.on('data', (c) => (data += c));
        stream.on('end', () => {
          mails.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), data, user: session.user as string | undefined });
          done();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    smtpPort = (smtp.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await Promise.all([hook.close(), slack.close(), broken.close(), new Promise((r) => smtp.close(r as () => void))]);
    await tl.close();
  });

  it('sends to a webhook, a Slack-compatible webhook and SMTP; secrets come from env and are stored nowhere', async () => {
    process.env.TL_TEST_SLACK_URL = `${slack.url}/services/T000/B000/secret-token`;
    process.env.TL_TEST_SMTP_PASSWORD = 'hunter2';
    process.env.TL_TEST_HOOK_TOKEN = 'Bearer s3cr3t-hook';
    const config = parseAlerts({
      notifiers: [
        { name: 'hook', type: 'webhook', url: `${hook.url}/alerts`, headers: { Authorization: { env: 'TL_TEST_HOOK_TOKEN' } } },
        { name: 'slack', type: 'slack', url: { env: 'TL_TEST_SLACK_URL' } },
        { name: 'mail', type: 'email', from: 'threadline@example.com', to: ['oncall@example.com'], smtp: { host: '127.0.0.1', port: smtpPort, user: 'alerts', password: { env: 'TL_TEST_SMTP_PASSWORD' }, ignore_tls: true } },
      ],
      rules: [{ name: 'drift', kind: 'drift_detected', notify: ['hook', 'slack', 'mail'] }],
    });
    const dispatcher = new AlertDispatcher(tl.store, config);
    tl.events.onEvent((e) => dispatcher.dispatch(e).then(() => undefined));
    const recorded = await tl.events.record({ stage: 'production', kind: 'drift_detected', severity: 'warning', summary: 'age drifted (psi 0.31)', subjects: [{ type: 'deployment', id: 'prod#2' }], details: { psi: 0.31 }, fingerprint: 'prod#2:age' });

    expect(hook.bodies).toHaveLength(1);
    expect(hook.bodies[0]!.headers.authorization).toBe('Bearer s3cr3t-hook');
    expect(hook.bodies[0]!.body).toMatchObject({ rule: 'drift', title: '[WARNING] production/drift_detected: age drifted (psi 0.31)', event: { id: recorded.id, details: { psi: 0.31 } } });
    expect(slack.bodies[0]!.url).toBe('/services/T000/B000/secret-token');
    expect(slack.bodies[0]!.body.text).toBe('[WARNING] production/drift_detected: age drifted (psi 0.31)');
    expect(JSON.stringify(slack.bodies[0]!.body.blocks)).toContain('about deployment prod#2');
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ from: 'threadline@example.com', to: ['oncall@example.com'], user: 'alerts' });
    expect(mails[0]!.data).toContain('Subject: [WARNING] production/drift_detected: age drifted (psi 0.31)');
    expect(mails[0]!.data).toContain(`threadline events show ${recorded.id}`);

    const rows = await tl.store.db.selectFrom('alert_deliveries').selectAll().execute();
    expect(rows.map((r) => [r.notifier, r.outcome]).sort()).toEqual([['hook', 'sent'], ['mail', 'sent'], ['slack', 'sent']]);
    const everything = JSON.stringify([rows, await tl.events.list({ limit: 1000 })]);
    for (const secret of ['hunter2', 's3cr3t-hook', 'secret-token']) expect(everything).not.toContain(secret);
  });

  it('holds back the same finding (dedupe) and any alert during cooldown, across dispatchers; records failures', async () => {
    const config = parseAlerts({
      notifiers: [
        { name: 'hook', type: 'webhook', url: `${hook.url}/dedupe` },
        { name: 'down', type: 'webhook', url: `${broken.url}/down` },
      ],
      rules: [
        { name: 'dedupe-rule', kind: 'data_changed', dedupe: '1h', notify: ['hook'] },
        { name: 'cool-rule', kind: 'metric_regression', cooldown: '10m', dedupe: '0s', notify: ['hook'] },
        { name: 'failing', kind: 'check_failed', notify: ['down'] },
      ],
    });
    const now = Date.now();
    const before = hook.bodies.length;
    const first = new AlertDispatcher(tl.store, config);
    expect((await first.dispatch(event({ stage: 'data', kind: 'data_changed', fingerprint: 'orders' }), now)).map((d) => d.outcome)).toEqual(['sent']);
    // A new process (new dispatcher) sees the history in the store.
    const second = new AlertDispatcher(tl.store, config);
    const dup = await second.dispatch(event({ stage: 'data', kind: 'data_changed', fingerprint: 'orders' }), now + 1000);
    expect(dup).toEqual([{ rule: 'dedupe-rule', notifier: 'hook', outcome: 'suppressed', reason: expect.stringMatching(/^duplicate/) }]);
    expect((await second.dispatch(event({ stage: 'data', kind: 'data_changed', fingerprint: 'customers' }), now + 2000))[0]!.outcome).toBe('sent');
    expect((await second.dispatch(event({ stage: 'data', kind: 'data_changed', fingerprint: 'orders' }), now + 3_700_000))[0]!.outcome).toBe('sent');

    expect((await second.dispatch(event({ stage: 'training', kind: 'metric_regression', fingerprint: 'a' }), now))[0]!.outcome).toBe('sent');
    expect((await second.dispatch(event({ stage: 'training', kind: 'metric_regression', fingerprint: 'b' }), now + 60_000))[0]).toMatchObject({ outcome: 'suppressed', reason: expect.stringMatching(/^cooldown/) });
    expect((await second.dispatch(event({ stage: 'training', kind: 'metric_regression', fingerprint: 'c' }), now + 601_000))[0]!.outcome).toBe('sent');
    expect(hook.bodies.length - before).toBe(5);

    const failed = await second.dispatch(event({ stage: 'code', kind: 'check_failed' }), now);
    expect(failed).toEqual([{ rule: 'failing', notifier: 'down', outcome: 'failed', reason: 'notifier down: answered HTTP 503' }]);
  });
});
