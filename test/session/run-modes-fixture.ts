// The runbook of the run-mode tests: a cutover-only step, an on_failure:
// stop section whose first step knows an environment failure, and a decision
// record whose rollback target must equal the baseline pins.
const BASE_SHA = 'cf331449e1589581a5dcbb3adecd3e9ae4509277';

export const RUNBOOK = `format: cutover-runbook/v1
id: modes-demo
title: Modes demo
version: 1.0.0
modes: [rehearsal, cutover]
baseline: { release_tag: v0.3.2, commit: ${BASE_SHA} }
target: { release_tag: v0.4.0, commit: 7e4806a34b98e6c06ee33fa9f11499a975e7b922 }
roles:
  - { id: producer_approver, title: Producer approver, side: producer }
  - { id: consumer_approver, title: Consumer approver, side: consumer }
sections:
  - id: prep
    title: Preparation
    steps:
      - { id: build, kind: command, title: Build, run: [node, -e, "console.log('built')"] }
      - id: deploy
        kind: command
        title: Deploy to production
        modes: [cutover]
        run: [node, -e, "require('fs').writeFileSync('deployed.txt', 'yes')"]
  - id: gates
    title: Gates
    on_failure: stop
    steps:
      - id: fetch
        kind: command
        title: Fetch dependencies
        run: [node, -e, "if (require('fs').existsSync('offline')) { console.error('Could not resolve host: registry.example'); process.exit(6) } console.log('fetched; an earlier try said Could not resolve host')"]
        environment_failure: ["Could not resolve host"]
      - { id: test, kind: command, title: Tests, run: [node, -e, "console.log('tests ok')"] }
      - { id: tests-reviewed, kind: confirm, title: Tests reviewed, statement: The tests were reviewed }
  - id: decision
    title: Decision
    steps:
      - id: record
        kind: input
        title: Decision record
        fields:
          - { id: rollback_tag, label: Rollback target tag, type: tag, equals: "\${baseline.release_tag}" }
          - { id: rollback_sha, label: Rollback target commit, type: sha, equals: "\${baseline.commit}" }
      - { id: joint, kind: signoff, title: Joint sign-off, roles: [producer_approver, consumer_approver], statement: I approve }
      - id: go
        kind: decision
        title: Go/no-go
        options:
          - { id: go, label: GO, go: true }
          - { id: no-go, label: NO-GO, go: false }
`;
