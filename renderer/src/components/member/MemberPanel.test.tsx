// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { AttachedMember, MemberView } from '../../../../shared/modules/membership.api';
import { installFakeBridge } from '../../test/fake-bridge';
import { MemberPanel } from './MemberPanel';

afterEach(cleanup);

// jsdom has no modal dialogs: the component's <dialog> is shown without them.
HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
  this.open = true;
};
HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
  this.open = false;
};

const offline = { state: 'offline', reasons: ['manual'], since: 1, manualBy: 'Ana', hqReachable: false } as never;
const cached: MemberView = { id: 'm1', name: 'Mia Chen', phone: '+4915112345678', card: null, pending: false, balance: 120, source: 'cache', asOf: Date.UTC(2026, 10, 23, 9, 30) };
const none: AttachedMember = { saleId: 's1', member: null, redeemable: 0, tendered: 0, pointValue: 1, mode: 'offline', offlineCap: 5000 };

describe('the member on the sale', () => {
  it('F10 opens the dialog; offline it says so, a member from the copy shows "as of", and Attach puts them on the sale', async () => {
    const fake = installFakeBridge({
      'connectivity.get': () => ({ ok: true, value: offline }),
      'membership.attached': () => ({ ok: true, value: none }),
      'membership.lookup': () => ({ ok: true, value: { member: cached } }),
      'membership.attach': () => ({ ok: true, value: { ...none, member: cached, redeemable: 120 } }),
    });
    render(<MemberPanel saleId="s1" onDialogClosed={() => {}} />);
    fireEvent.keyDown(window, { key: 'F10' });
    const dialog = await screen.findByRole('dialog');
    await within(dialog).findByText(/Offline: members and balances come from this register's copy/);
    fireEvent.change(within(dialog).getByLabelText('Phone or card number'), { target: { value: '+49 151 12345678' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Find' }));
    await within(dialog).findByText('Mia Chen');
    expect(within(dialog).getByTestId('member-summary').textContent).toMatch(/120 points as of/);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Attach to sale' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(screen.getByTestId('member-name').textContent).toBe('Mia Chen');
    expect(fake.calls.find((c) => c.channel === 'membership.attach')?.input).toEqual({ memberId: 'm1' });
  });

  it('shows the register’s sentence for a malformed phone, and the pending badge on an offline enrolment', async () => {
    installFakeBridge({
      'connectivity.get': () => ({ ok: true, value: offline }),
      'membership.attached': () => ({ ok: true, value: none }),
      'membership.lookup': () => ({ ok: false, error: { code: 'INVALID_INPUT', message: '"12ab" is neither a phone number nor a member card number.' } }),
      'membership.enrol': ({ name }) => ({ ok: true, value: { status: 'enrolled', member: { ...cached, id: 'local', name, pending: true, balance: 0, asOf: null } } }),
    });
    render(<MemberPanel saleId="s1" onDialogClosed={() => {}} />);
    fireEvent.click(await screen.findByRole('button', { name: /Member/ }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText('Phone or card number'), { target: { value: '12ab' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Find' }));
    expect((await within(dialog).findByRole('alert')).textContent).toContain('neither a phone number');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Enrol new member' }));
    fireEvent.change(within(dialog).getByLabelText('Name'), { target: { value: 'Lea W.' } });
    fireEvent.change(within(dialog).getByLabelText('Phone'), { target: { value: '0612345678' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Enrol' }));
    expect((await within(dialog).findByTestId('member-pending')).textContent).toBe('pending');
    expect(within(dialog).getByTestId('member-name').textContent).toBe('Lea W.');
  });

  it('on an empty cart F10 offers Attach to sale, and the member shows once the sale they opened reaches the cart', async () => {
    const empty: AttachedMember = { ...none, saleId: null };
    let current = empty;
    const fake = installFakeBridge({
      'connectivity.get': () => ({ ok: true, value: offline }),
      'membership.attached': () => ({ ok: true, value: current }),
      'membership.lookup': () => ({ ok: true, value: { member: cached } }),
      'membership.attach': () => {
        current = { ...none, saleId: 'opened', member: cached, redeemable: 120 };
        return { ok: true, value: current };
      },
    });
    const { rerender } = render(<MemberPanel saleId={null} onDialogClosed={() => {}} />);
    fireEvent.keyDown(window, { key: 'F10' });
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText('Phone or card number'), { target: { value: '+49 151 12345678' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Find' }));
    await within(dialog).findByText('Mia Chen');
    expect(within(dialog).queryByText(/Scan the first item/)).toBeNull();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Attach to sale' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(fake.calls.find((c) => c.channel === 'membership.attach')?.input).toEqual({ memberId: 'm1' });
    // The register opened the sale and told the cart (cart.changed): the cart passes its id down.
    rerender(<MemberPanel saleId="opened" onDialogClosed={() => {}} />);
    expect((await screen.findByTestId('member-name')).textContent).toBe('Mia Chen');
  });
});
