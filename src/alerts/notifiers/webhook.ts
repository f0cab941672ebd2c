import { resolveSecret, type NotifierConfig } from '../config.js';
import { postJson } from './http-post.js';
import type { Alert } from './message.js';
import { alertTitle } from './message.js';
import type { Notifier } from './types.js';

type WebhookConfig = Extract<NotifierConfig, { type: 'webhook' }>;

/** Generic webhook: the alert as JSON (rule, title, and the whole event). */
export function webhookNotifier(config: WebhookConfig): Notifier {
  return {
    name: config.name,
    async send(alert: Alert) {
      const headers = Object.fromEntries(Object.entries(config.headers).map(([k, v]) => [k, resolveSecret(v, `notifier ${config.name} header ${k}`)]));
      await postJson(resolveSecret(config.url, `notifier ${config.name} url`), { rule: alert.rule, title: alertTitle(alert), event: alert.event }, headers, `notifier ${config.name}`);
    },
  };
}
