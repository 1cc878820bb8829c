import { describe, expect, it } from 'vitest';
import type { Writer, WriteTx } from '../db/writer';
import { GroupCommitter, type GroupLimits } from './group-commit';

/** A writer whose transactions take `ms` and report how many ran at once and which jobs each held. */
function fakeWriter(ms = 15) {
  const seen = { running: 0, most: 0, groups: [] as string[][] };
  const writer = {
    async transaction<T>(fn: (tx: WriteTx) => Promise<T>): Promise<T> {
      seen.running++;
      seen.most = Math.max(seen.most, seen.running);
      try {
        await new Promise((resolve) => setTimeout(resolve, ms));
        return await fn({} as WriteTx);
      } finally {
        seen.running--;
      }
    },
  } as unknown as Writer;
  return { writer, seen };
}

function committer(limits: GroupLimits) {
  const { writer, seen } = fakeWriter();
  const groups = new GroupCommitter<string[]>(writer, { begin: () => [], finish: async (_tx, work) => void seen.groups.push(work) }, limits);
  const submit = (id: string, size = 1, fail = false) =>
    groups.submit({
      order: id,
      size,
      run: async (_tx, work) => {
        if (fail) throw new Error(`push ${id} failed`);
        work.push(id);
        return id;
      },
    });
  return { groups, seen, submit };
}

describe('group commit limits', () => {
  it('puts at most maxRequests pushes in a group', async () => {
    const { seen, submit } = committer({ maxRequests: 3, maxOps: 1000, inFlight: 1 });
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => submit(`p${String(i).padStart(2, '0')}`)));
    expect(answers).toHaveLength(10);
    expect(Math.max(...seen.groups.map((g) => g.length))).toBe(3);
    expect(seen.groups.flat().sort()).toEqual(answers.sort());
  });

  it('fills a group up to maxOps operations, and not past it', async () => {
    const { seen, submit } = committer({ maxRequests: 64, maxOps: 10, inFlight: 1 });
    await Promise.all(Array.from({ length: 7 }, (_, i) => submit(`p${i}`, 5)));
    // 5 + 5 = 10 fits exactly; a third would make 15.
    expect(seen.groups.map((g) => g.length)).toEqual([2, 2, 2, 1]);
  });

  it('runs at most inFlight groups at once, and uses them', async () => {
    const { seen, submit } = committer({ maxRequests: 1, maxOps: 1000, inFlight: 2 });
    await Promise.all(Array.from({ length: 8 }, (_, i) => submit(`p${i}`)));
    expect(seen.most).toBe(2);
    expect(seen.groups).toHaveLength(8);
  });

  it('gives a lone push that fails its own error, once', async () => {
    const { groups, seen, submit } = committer({ maxRequests: 64, maxOps: 1000, inFlight: 1 });
    await expect(submit('bad', 1, true)).rejects.toThrow('push bad failed');
    expect(groups.stats.split).toBe(0);
    expect(seen.groups).toEqual([]);
  });

  it('runs a group’s pushes in the order of their keys (so two groups take row locks in one order), each answered with its own result', async () => {
    const { groups, seen, submit } = committer({ maxRequests: 64, maxOps: 1000, inFlight: 1 });
    const answers = await Promise.all(['r3 z', 'r1 a', 'r2 m'].map((id) => submit(id)));
    expect(seen.groups).toEqual([['r1 a', 'r2 m', 'r3 z']]);
    expect(answers).toEqual(['r3 z', 'r1 a', 'r2 m']);
    expect(groups.stats).toMatchObject({ groups: 1, requests: 3, largest: 3, split: 0 });
  });

  it('a group with one failing push runs each again alone: the others commit, only that one gets the error', async () => {
    const { groups, seen, submit } = committer({ maxRequests: 64, maxOps: 1000, inFlight: 1 });
    const outcomes = await Promise.allSettled([submit('b'), submit('a', 1, true), submit('c')]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toEqual(new Error('push a failed'));
    expect(seen.groups).toEqual([['b'], ['c']]);
    expect(groups.stats).toMatchObject({ groups: 1, requests: 3, split: 1 });
  });
});
