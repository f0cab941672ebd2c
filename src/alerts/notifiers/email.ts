import { ThreadlineError } from '../../errors.js';
import { resolveSecret, type NotifierConfig } from '../config.js';
import { alertText, alertTitle, type Alert } from './message.js';
import type { Notifier } from './types.js';

type EmailConfig = Extract<NotifierConfig, { type: 'email' }>;

/** Email over SMTP with nodemailer; credentials come from environment variables at send time. */
export function emailNotifier(config: EmailConfig): Notifier {
  return {
    name: config.name,
    async send(alert: Alert) {
      const { smtp } = config;
      const user = smtp.user === undefined ? undefined : resolveSecret(smtp.user, `notifier ${config.name} smtp.user`);
      const pass = smtp.password === undefined ? undefined : resolveSecret(smtp.password, `notifier ${config.name} smtp.password`);
      // Loaded when an alert is sent, not at every CLI start.
      const { default: nodemailer } = await import('nodemailer');
      const transport = nodemailer.createTransport({
        host: smtp.host,
        port: smtp.port,
        secure: smtp.secure,
        ignoreTLS: smtp.ignore_tls,
        auth: user ? { user, pass } : undefined,
        connectionTimeout: 5000,
        greetingTimeout: 5000,
        socketTimeout: 5000,
      });
      try {
        await transport.sendMail({ from: config.from, to: config.to, subject: alertTitle(alert), text: alertText(alert) });
      } catch (error) {
        throw new ThreadlineError('UNAVAILABLE', `notifier ${config.name}: ${(error as Error).message}`);
      } finally {
        transport.close();
      }
    },
  };
}
