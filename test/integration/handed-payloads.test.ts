import { afterAll, beforeAll, expect, it } from 'vitest';
import { robotDeps, robotMetrics } from '../../src/cli/wiring.js';
import { loadConfig } from '../../src/config.js';
import type { ApplicationPayload } from '../../src/domain/snapshot.js';
import { createLogger } from '../../src/observability/logger.js';
import type { RobotDeps } from '../../src/robot/deps.js';
import { handedPayloads } from '../../src/robot/handedPayloads.js';
import { pollOnce } from '../../src/robot/intake.js';
import { processCase, type CaseRun } from '../../src/robot/processCase.js';
import { loadRules } from '../../src/rules/load.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { getProposalForCase } from '../../src/store/index.js';
import { forEachBackend, useDatabase } from '../support/backends.js';

/**
 * Intake hands what it validated to the case job of the same process (handedPayloads.ts). The
 * case job uses it only for a stored application with the same digest; otherwise it reads the
 * stored application as before. Against the simulated registers, on both databases.
 */
const RENEWAL = 'A-2021-000101'; // rent 3 500 kr: a grant
const COUPLE = 'A-2021-000104';
const SALARY = 'A-2021-000103';
const run: CaseRun = { lastAttempt: false, recheckLater: async () => undefined };

forEachBackend('validated applications handed from intake to the case job', (backend) => {
  const db = useDatabase(backend);
  let sandbox: Sandbox;
  let deps: RobotDeps;

  // One feed and one database for the file: the second test runs cases the first took in.
  beforeAll(async () => {
    sandbox = await startSandbox({});
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  async function takeIn(): Promise<string[]> {
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', REGISTER_ATTEMPTS: '2', REGISTER_TIMEOUT_MS: '2000' });
    const logger = createLogger(config);
    deps = robotDeps(config, sandbox.urls, db(), loadRules(), logger, robotMetrics(db(), () => undefined, logger));
    const enqueued: string[] = [];
    await pollOnce(deps, { get: async () => null, set: async () => undefined }, async (ids) => void enqueued.push(...ids));
    return enqueued;
  }

  it('every valid case intake took in is handed over, and its case job takes it and proposes as from the stored one', async () => {
    const enqueued = await takeIn();
    const handed = handedPayloads(db());
    expect(enqueued).toContain(RENEWAL);
    expect(handed.size).toBe(enqueued.length);
    expect(await processCase(deps, RENEWAL, run)).toBe('PROPOSE_GRANT');
    expect(handed.size).toBe(enqueued.length - 1);
  });

  it('is used only for the stored content: a payload under another digest is ignored, one under the stored digest is used', async () => {
    // The cases intake handed over in the test above, not yet run.
    const { rows } = await db().query<{ id: string; content_sha256: string }>('SELECT id, content_sha256 FROM applications WHERE id = ANY($1)', [[COUPLE, SALARY]]);
    const digest = new Map(rows.map((r) => [r.id, r.content_sha256]));
    const handed = handedPayloads(db());
    const couple = handed.take(COUPLE, digest.get(COUPLE)!)!;
    const salary = handed.take(SALARY, digest.get(SALARY)!)!;
    expect(couple.application.id).toBe(COUPLE);
    // Rent raised to 90 000 kr: the proposal says so only if this payload is the one used.
    const raised = (p: ApplicationPayload): ApplicationPayload => ({
      ...p,
      application: { ...p.application, costs: p.application.costs.map((c) => (c.type === 'rent' ? { ...c, amount: '90000' } : c)) },
    });
    handed.put(COUPLE, 'not-the-stored-digest', raised(couple), Date.now());
    handed.put(SALARY, digest.get(SALARY)!, raised(salary), Date.now());
    await processCase(deps, COUPLE, run);
    await processCase(deps, SALARY, run);
    const proposal = async (caseId: string) => JSON.stringify((await getProposalForCase(db(), caseId))!.proposal);
    expect(await proposal(COUPLE)).not.toMatch(/"90000(\.00)?"/);
    expect(await proposal(SALARY)).toMatch(/"90000(\.00)?"/);
  });
});
