import type { Alert } from './message.js';

export interface Notifier {
  readonly name: string;
  send(alert: Alert): Promise<void>;
}
