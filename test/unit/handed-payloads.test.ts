import { describe, expect, it } from 'vitest';
import type { ApplicationPayload } from '../../src/domain/snapshot.js';
import { HandedPayloads } from '../../src/robot/handedPayloads.js';

const payload = (id: string) => ({ application: { id }, history: {} }) as unknown as ApplicationPayload;

describe('HandedPayloads (intake to the case job of the same process)', () => {
  it('hands a payload over once, for the content it was made from', () => {
    const handed = new HandedPayloads();
    handed.put('A-1', 'digest-1', payload('A-1'), 0);
    expect(handed.take('A-1', 'digest-1')).toEqual(payload('A-1'));
    expect(handed.take('A-1', 'digest-1')).toBeUndefined(); // taken: a rerun validates itself
  });

  it('gives nothing for other content, and forgets the entry', () => {
    const handed = new HandedPayloads();
    handed.put('A-1', 'digest-1', payload('A-1'), 0);
    expect(handed.take('A-1', 'digest-2')).toBeUndefined();
    expect(handed.take('A-1', null)).toBeUndefined();
    handed.put('A-1', 'digest-1', payload('A-1'), 0);
    expect(handed.take('A-1', null)).toBeUndefined();
    expect(handed.take('A-1', 'digest-1')).toBeUndefined();
    expect(handed.take('A-2', 'digest-1')).toBeUndefined();
  });

  it('keeps an entry no longer than its age limit: the sweep, and every put, drop older ones', () => {
    const minute = 60_000;
    const handed = new HandedPayloads(100, 15 * minute);
    handed.put('A-1', 'd', payload('A-1'), 0);
    handed.put('A-2', 'd', payload('A-2'), 10 * minute);
    handed.sweep(15 * minute);
    expect(handed.size).toBe(2); // exactly 15 minutes: still kept
    handed.sweep(15 * minute + 1);
    expect(handed.take('A-1', 'd')).toBeUndefined();
    expect(handed.size).toBe(1);
    handed.put('A-3', 'd', payload('A-3'), 26 * minute);
    expect(handed.take('A-2', 'd')).toBeUndefined();
    expect(handed.take('A-3', 'd')).toEqual(payload('A-3'));
  });

  it('holds at most its limit, the oldest giving way first', () => {
    const handed = new HandedPayloads(3, 60_000);
    for (const id of ['A-1', 'A-2', 'A-3', 'A-4']) handed.put(id, `d-${id}`, payload(id), 0);
    expect(handed.size).toBe(3);
    expect(handed.take('A-1', 'd-A-1')).toBeUndefined();
    expect(handed.take('A-4', 'd-A-4')).toEqual(payload('A-4'));
    // Put again: the newest, not the oldest.
    handed.put('A-2', 'd-A-2', payload('A-2'), 0);
    handed.put('A-5', 'd-A-5', payload('A-5'), 0);
    handed.put('A-6', 'd-A-6', payload('A-6'), 0);
    expect(handed.take('A-3', 'd-A-3')).toBeUndefined();
    expect(handed.take('A-2', 'd-A-2')).toEqual(payload('A-2'));
  });
});
