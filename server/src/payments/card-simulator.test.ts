import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEST_CARDS } from '../../../shared/hq/payments';
import { describeEachStorage, makeHq, type TestHq } from '../test/harness';
import { DatabaseLedger, MemoryLedger, type LedgerStore } from './acquirer-ledger';
import { CardSimulator } from './card-simulator';

const signal = () => new AbortController().signal;

/** The simulator's promises about money, the same whichever ledger it keeps. */
function simulatorLedgerBehaviour(ledger: () => LedgerStore): void {
  let card: CardSimulator;
  let clock: number;
  beforeEach(() => {
    clock = Date.UTC(2025, 0, 1);
    card = new CardSimulator({ ledger: ledger(), now: () => ++clock });
  });

  const charge = (reference: string, cardNumber: string = TEST_CARDS.approved, amount = 1000) => card.authorize({ reference, amount, currency: 'EUR', cardNumber }, signal());
  const kinds = async () => (await card.movements()).map((m) => `${m.kind} ${m.reference} ${m.amount}`);

  it('charges a reference authorised twice once, and answers the retry with the same code', async () => {
    const first = await charge('pay-1');
    const again = await charge('pay-1');
    expect(first).toEqual({ status: 'approved', authCode: expect.stringMatching(/^[0-9A-F]{6}$/) });
    expect(again).toEqual(first);
    // A settlement of the same reference is the same charge, not a second one.
    expect(await card.settle({ reference: 'pay-1', amount: 1000, currency: 'EUR', cardNumber: TEST_CARDS.approved }, signal())).toEqual(first);
    expect(await card.movements()).toEqual([{ kind: 'charge', reference: 'pay-1', originalReference: null, amount: 1000, currency: 'EUR', last4: '4242', at: Date.UTC(2025, 0, 1) + 1 }]);
  });

  it('reverses a charge once: a second void, or a void of a reference never charged, moves nothing', async () => {
    await charge('pay-1');
    expect(await card.void({ reference: 'pay-1' }, signal())).toMatchObject({ status: 'approved' });
    expect(await card.void({ reference: 'pay-1' }, signal())).toMatchObject({ status: 'approved' });
    expect(await card.void({ reference: 'never-charged' }, signal())).toMatchObject({ status: 'approved' });
    expect(await kinds()).toEqual(['charge pay-1 1000', 'void pay-1 1000']);
  });

  it('never charges a voided reference again (a late retry of an abandoned attempt)', async () => {
    await charge('pay-1');
    await card.void({ reference: 'pay-1' }, signal());
    expect(await charge('pay-1')).toMatchObject({ status: 'declined', reason: expect.stringContaining('reversed') });
    expect(await kinds()).toEqual(['charge pay-1 1000', 'void pay-1 1000']);
  });

  it('moves nothing for a declined card, insufficient funds, an invalid number or an acquirer that does not answer', async () => {
    expect(await charge('d-1', TEST_CARDS.declined)).toMatchObject({ status: 'declined' });
    expect(await charge('d-2', TEST_CARDS.insufficientFunds)).toMatchObject({ status: 'declined' });
    expect(await charge('d-3', '4242424242424241')).toMatchObject({ status: 'declined' });
    const timeout = new AbortController();
    const silent = card.authorize({ reference: 'd-4', amount: 1000, currency: 'EUR', cardNumber: TEST_CARDS.timeout }, timeout.signal);
    timeout.abort();
    expect(await silent).toMatchObject({ status: 'declined' });
    expect(await card.movements()).toEqual([]);
  });

  it('records a refund once per refund reference, with its original reference and the original card', async () => {
    await charge('pay-1', '5555555555554444');
    const refund = { reference: 'ref-1', originalReference: 'pay-1', amount: 400, currency: 'EUR' };
    const answer = await card.refund(refund, signal());
    expect(answer).toMatchObject({ status: 'approved' });
    expect(await card.refund(refund, signal())).toEqual(answer);
    expect((await card.movements()).filter((m) => m.kind === 'refund')).toEqual([{ kind: 'refund', reference: 'ref-1', originalReference: 'pay-1', amount: 400, currency: 'EUR', last4: '4444', at: Date.UTC(2025, 0, 1) + 2 }]);
  });

  it('lists movements oldest first, by last4 and by reference', async () => {
    await charge('pay-1');
    await charge('pay-2', '5555555555554444');
    await card.refund({ reference: 'ref-1', originalReference: 'pay-1', amount: 100, currency: 'EUR' }, signal());
    expect(await kinds()).toEqual(['charge pay-1 1000', 'charge pay-2 1000', 'refund ref-1 100']);
    expect((await card.movements({ last4: '4242' })).map((m) => m.reference)).toEqual(['pay-1', 'ref-1']);
    expect((await card.movements({ references: ['pay-2', 'ref-1'] })).map((m) => m.reference)).toEqual(['pay-2', 'ref-1']);
    expect(await card.movements({ references: [] })).toEqual([]);
    expect(await card.movements({ last4: '4444', references: ['pay-1'] })).toEqual([]);
  });
}

describe('card simulator with its ledger in memory', () => {
  simulatorLedgerBehaviour(() => new MemoryLedger());
});

describeEachStorage("card simulator with its ledger in HQ's database", (kind) => {
  let hq: TestHq;
  beforeEach(async () => {
    hq = await makeHq(kind, { demo: false });
  });
  afterEach(() => hq.close());

  simulatorLedgerBehaviour(() => new DatabaseLedger(hq.app.hq.database.read, hq.app.hq.writer));

  it('keeps the ledger across a new simulator on the same database, as across a restart of HQ', async () => {
    const first = new CardSimulator({ ledger: new DatabaseLedger(hq.app.hq.database.read, hq.app.hq.writer) });
    await first.authorize({ reference: 'pay-1', amount: 500, currency: 'EUR', cardNumber: TEST_CARDS.approved }, signal());
    const second = new CardSimulator({ ledger: new DatabaseLedger(hq.app.hq.database.read, hq.app.hq.writer) });
    await second.authorize({ reference: 'pay-1', amount: 500, currency: 'EUR', cardNumber: TEST_CARDS.approved }, signal());
    expect((await second.movements()).map((m) => [m.kind, m.reference])).toEqual([['charge', 'pay-1']]);
  });
});
