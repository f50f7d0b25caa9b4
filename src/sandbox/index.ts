import { start as startEService, type EServiceSandbox } from './eservice.js';
import type { GenerateOptions, GeneratedHousehold } from './generate.js';
import type { JsonFaultPlan } from './jsonSim.js';
import { start as startKir, type KirSandbox } from './kir.js';
import { start as startPlan, type PlanSandbox } from './plan.js';
import { start as startSsbtek, type SsbtekSandbox } from './ssbtek.js';
import type { FaultPlan } from './ssbtekFixtures.js';

/**
 * Every outside register on loopback at once, so the whole robot runs on one laptop: SSBTEK,
 * KIR, the plan module and the e-service feed, each on a free port, with the fixtures under
 * fixtures/ unless told otherwise. generate() puts synthetic households into all four at once,
 * so each generated person answers everywhere.
 */

export interface SandboxOptions {
  host?: '127.0.0.1' | 'localhost' | '::1';
  /** Fault plans to start with, per simulator. */
  faults?: { ssbtek?: FaultPlan; kir?: JsonFaultPlan; plan?: JsonFaultPlan; eservice?: JsonFaultPlan };
  /** Fixture folders, when not the defaults under fixtures/. */
  fixtures?: { ssbtekDir?: string; kirDir?: string; planDir?: string; applicationsDir?: string };
  /** Synthetic households added at start, after the fixtures. */
  generate?: { count: number; seed: number } & Omit<GenerateOptions, 'taken'>;
  /** For failProbability in every simulator; injectable for tests. */
  random?: () => number;
}

export interface Sandbox {
  /** Base URLs for the clients: SSBTEK's is its SOAP endpoint, the others are roots. */
  urls: { ssbtek: string; kir: string; plan: string; eservice: string };
  ssbtek: SsbtekSandbox;
  kir: KirSandbox;
  plan: PlanSandbox;
  eservice: EServiceSandbox;
  generate(count: number, seed: number, options?: Omit<GenerateOptions, 'taken'>): GeneratedHousehold[];
  stop(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const common = { port: 0, ...(options.host ? { host: options.host } : {}), ...(options.random ? { random: options.random } : {}) };
  const dirs = options.fixtures ?? {};
  const started: Array<{ stop(): Promise<void> }> = [];
  try {
    const ssbtek = await startSsbtek({
      ...common,
      ...(dirs.ssbtekDir ? { fixturesDir: dirs.ssbtekDir } : {}),
      ...(options.faults?.ssbtek ? { faults: options.faults.ssbtek } : {}),
    });
    started.push(ssbtek);
    const kir = await startKir({ ...common, ...(dirs.kirDir ? { fixturesDir: dirs.kirDir } : {}), ...(options.faults?.kir ? { faults: options.faults.kir } : {}) });
    started.push(kir);
    const plan = await startPlan({ ...common, ...(dirs.planDir ? { fixturesDir: dirs.planDir } : {}), ...(options.faults?.plan ? { faults: options.faults.plan } : {}) });
    started.push(plan);
    const eservice = await startEService({
      ...common,
      ...(dirs.applicationsDir ? { fixturesDir: dirs.applicationsDir } : {}),
      ...(options.faults?.eservice ? { faults: options.faults.eservice } : {}),
    });
    started.push(eservice);

    const toRegisters = (households: GeneratedHousehold[]) => {
      for (const h of households) {
        kir.add(h.kir);
        plan.add([h.plan]);
        ssbtek.addFixtures(h.ssbtek);
      }
    };
    eservice.onGenerated(toRegisters);
    const generate = (count: number, seed: number, generateOptions: Omit<GenerateOptions, 'taken'> = {}) => {
      const households = eservice.generate(count, seed, generateOptions);
      toRegisters(households);
      return households;
    };
    if (options.generate) {
      const { count, seed, ...rest } = options.generate;
      generate(count, seed, rest);
    }

    return {
      urls: { ssbtek: ssbtek.url, kir: kir.url, plan: plan.url, eservice: eservice.url },
      ssbtek,
      kir,
      plan,
      eservice,
      generate,
      stop: async () => {
        await Promise.all(started.map((s) => s.stop()));
      },
    };
  } catch (error) {
    // A half-started sandbox must not leave ports open behind a failed start.
    await Promise.all(started.map((s) => s.stop()));
    throw error;
  }
}

export type { EServiceSandbox, GeneratedHousehold, KirSandbox, PlanSandbox, SsbtekSandbox };
