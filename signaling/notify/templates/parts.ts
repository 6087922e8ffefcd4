import type { Block, TemplateView } from './types.js';

/** Joins the lines that are present; SMS lines keep links apart from punctuation. */
export function lines(...parts: (string | null | false)[]): string {
  return parts.filter((p): p is string => typeof p === 'string' && p.length > 0).join('\n');
}

/** « Jean Martin (CAF du Rhône) », or the name alone without a service. */
export function agentWithService(view: TemplateView): string {
  return view.serviceName ? `${view.agentName} (${view.serviceName})` : view.agentName;
}

export interface AccessLabels {
  date: string;
  duration: string;
  password: string;
}

/** When, how long, and the password, as one table (the link is the button above it). */
export function accessDetails(view: TemplateView, labels: AccessLabels): Block {
  return {
    type: 'details',
    rows: [
      { label: labels.date, value: view.dateTime },
      { label: labels.duration, value: view.duration },
      { label: labels.password, value: view.password },
    ],
  };
}
