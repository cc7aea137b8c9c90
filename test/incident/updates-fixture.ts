// The steps of the status-update tests (status-updates.test.ts,
// screen-updates.test.tsx), added to the cutover runbook of fixture.ts.

/** An assessment (with the first ETA), the incident notice promising it, and the status updates. */
export const UPDATE_STEPS: Record<string, unknown>[] = [
  {
    id: 'assess', kind: 'input', title: 'Impact', fields: [
      { id: 'impact', label: 'Impact summary', type: 'text' },
      { id: 'eta', label: 'Next update ETA (UTC)', type: 'timestamp', future: true },
    ],
  },
  { id: 'incident-notice', kind: 'notice', title: 'Incident notice', channel: '${channel}', next_update: '${assess.eta}', template: 'Impact: ${assess.impact}\nNext update: ${assess.eta}' },
  {
    id: 'status', kind: 'notice', title: 'Status update', updates: true, channel: '${channel}', next_update: '${status.eta}',
    fields: [
      { id: 'state', label: 'Rollback state', type: 'select', options: ['in progress', 'executed', 'restored'] },
      { id: 'rollback_tag', label: 'Rollback target tag', type: 'tag', equals: '${baseline.release_tag}' },
      { id: 'eta', label: 'Next update ETA (UTC)', type: 'timestamp', future: true },
    ],
    template: 'Update ${status.number}: ${status.state} (back to ${status.rollback_tag})\nNext update: ${status.eta}',
  },
];

