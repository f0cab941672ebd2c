import { resolveSecret, type NotifierConfig } from '../config.js';
import { postJson } from './http-post.js';
import { alertText, alertTitle, type Alert } from './message.js';
import type { Notifier } from './types.js';

type SlackConfig = Extract<NotifierConfig, { type: 'slack' }>;

/** Slack incoming-webhook payload (`text` plus blocks); Mattermost and Rocket.Chat accept the same. */
export function slackNotifier(config: SlackConfig): Notifier {
  return {
    name: config.name,
    async send(alert: Alert) {
      const [, ...rest] = alertText(alert).split('\n');
      const payload = {
        text: alertTitle(alert),
        ...(config.channel ? { channel: config.channel } : {}),
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: `*${escapeMrkdwn(alertTitle(alert))}*` } },
          { type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(rest.join('\n')) }] },
        ],
      };
      await postJson(resolveSecret(config.url, `notifier ${config.name} url`), payload, {}, `notifier ${config.name}`);
    },
  };
}

/** Slack's three control characters. */
function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
