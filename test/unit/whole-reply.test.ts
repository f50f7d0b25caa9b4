import { describe, expect, it, vi } from 'vitest';
import { WholeReply } from '../../src/registers/transport.js';

/** The handler undici's dispatch calls for one register call (registers/transport.ts). */
describe('WholeReply', () => {
  function reply() {
    const done = vi.fn();
    const failed = vi.fn();
    return { handler: new WholeReply(done, failed), done, failed };
  }

  it('hands over the status and the body, joined from its chunks, as UTF-8 text once the reply has ended', () => {
    const { handler, done, failed } = reply();
    handler.onConnect(() => undefined);
    expect(handler.onHeaders(200)).toBe(true);
    const bytes = Buffer.from('{"namn":"Åsa Öberg"}', 'utf8');
    // A chunk boundary inside "Å" (two bytes): joined before decoding, never decoded apart.
    handler.onData(bytes.subarray(0, 10));
    handler.onData(bytes.subarray(10));
    expect(done).not.toHaveBeenCalled();
    handler.onComplete();
    expect(done).toHaveBeenCalledWith({ status: 200, text: '{"namn":"Åsa Öberg"}' });
    expect(failed).not.toHaveBeenCalled();
  });

  it('a deadline before a connection was given fails the call at once, and the call is stopped when its turn comes', () => {
    const { handler, done, failed } = reply();
    handler.abort(new Error('timeout'));
    expect(failed).toHaveBeenCalledTimes(1);
    const abort = vi.fn();
    handler.onConnect(abort);
    expect(abort).toHaveBeenCalledTimes(1);
    handler.onError(new Error('aborted'));
    expect(failed).toHaveBeenCalledTimes(1);
    expect(done).not.toHaveBeenCalled();
  });

  it('a deadline during the reply stops the connection; undici then reports the error, once', () => {
    const { handler, done, failed } = reply();
    const abort = vi.fn((reason: Error) => handler.onError(reason));
    handler.onConnect(abort);
    handler.onHeaders(200);
    handler.onData(Buffer.from('{"halv'));
    handler.abort(new Error('timeout'));
    expect(abort).toHaveBeenCalledTimes(1);
    expect(failed).toHaveBeenCalledTimes(1);
    handler.onComplete();
    expect(done).not.toHaveBeenCalled();
  });
});
