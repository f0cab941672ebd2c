import type { NotifierConfig } from '../config.js';
import { emailNotifier } from './email.js';
import { slackNotifier } from './slack.js';
import type { Notifier } from './types.js';
import { webhookNotifier } from './webhook.js';

export function buildNotifier(config: NotifierConfig): Notifier {
  switch (config.type) {
    case 'webhook':
      return webhookNotifier(config);
    case 'slack':
      return slackNotifier(config);
    case 'email':
      return emailNotifier(config);
  }
}
