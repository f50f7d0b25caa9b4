import { insertSnapshotAndProposal, insertSnapshotsAndProposals, type Db, type SnapshotAndProposal } from '../store/index.js';
import { batchPerTurn, perDb } from './coalesce.js';

type Stored = Awaited<ReturnType<typeof insertSnapshotAndProposal>>;
type Settled = { value: Stored } | { error: unknown };

/**
 * The case jobs of one turn store their snapshots, proposals and state changes in one statement
 * (insertSnapshotsAndProposals: the same compare-and-set and insert-if-absent rules as for one
 * case). The statement is atomic, so when it fails nothing of it was written and each case is
 * tried again on its own: only a case that fails by itself fails (its job retries).
 */
const storeBatch = perDb((db: Db) =>
  batchPerTurn(
    async (inputs: readonly SnapshotAndProposal[]): Promise<Settled[]> => {
      try {
        return (await insertSnapshotsAndProposals(db, inputs)).map((value) => ({ value }));
      } catch (error) {
        if (inputs.length === 1) return [{ error }];
        return Promise.all(inputs.map((input) => insertSnapshotAndProposal(db, input).then((value) => ({ value }), (error: unknown) => ({ error }))));
      }
    },
    { maxBatch: 100 },
  ),
);

/** insertSnapshotAndProposal, shared with the other case jobs of this turn. */
export async function storeSnapshotAndProposal(db: Db, input: SnapshotAndProposal): Promise<Stored> {
  const settled = await storeBatch(db)(input);
  if ('error' in settled) throw settled.error;
  return settled.value;
}
