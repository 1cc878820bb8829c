/**
 * Every keyboard shortcut a cashier uses, in one place: the help sheet (F1) lists them from here, and a
 * screen that adds a key adds it here. `keys` are shown as written (one entry per alternative);
 * `label` is a key in the `help` namespace.
 */
export interface Shortcut {
  keys: readonly string[];
  /** A key of the `help` namespace describing what the shortcut does. */
  label: HelpLabel;
}

export interface ShortcutGroup {
  /** A key of the `help` namespace naming where the shortcuts work. */
  title: HelpLabel;
  shortcuts: readonly Shortcut[];
}

export type HelpLabel =
  | 'group.everywhere'
  | 'group.checkout'
  | 'group.lines'
  | 'group.dialogs'
  | 'key.help'
  | 'key.statusDetails'
  | 'key.sale'
  | 'key.orders'
  | 'key.endOfDay'
  | 'key.members'
  | 'key.diagnostics'
  | 'key.scan'
  | 'key.search'
  | 'key.quantity'
  | 'key.voidSale'
  | 'key.price'
  | 'key.discount'
  | 'key.hold'
  | 'key.recall'
  | 'key.member'
  | 'key.selectLine'
  | 'key.plusMinus'
  | 'key.setQuantity'
  | 'key.voidLine'
  | 'key.pay'
  | 'key.priceCheck'
  | 'key.undoVoid'
  | 'key.printReceipt'
  | 'key.nextSale'
  | 'key.confirm'
  | 'key.cancel'
  | 'key.listMove'
  | 'key.scanReceipt'
  | 'key.reason'
  | 'key.returnItem';

/** The help sheet's key. */
export const HELP_KEY = 'F1';

/** Shows or hides the status bar's details (every reason, the upload backlog, the disk). */
export const DETAILS_KEY = 'F11';

export const SHORTCUTS: readonly ShortcutGroup[] = [
  {
    title: 'group.everywhere',
    shortcuts: [
      { keys: ['F1'], label: 'key.help' },
      { keys: ['F11'], label: 'key.statusDetails' },
      { keys: ['Alt+S'], label: 'key.sale' },
      { keys: ['Alt+O'], label: 'key.orders' },
      { keys: ['Alt+E'], label: 'key.endOfDay' },
      { keys: ['Alt+M'], label: 'key.members' },
      { keys: ['Alt+D'], label: 'key.diagnostics' },
    ],
  },
  {
    title: 'group.checkout',
    shortcuts: [
      { keys: ['Scan', 'Enter'], label: 'key.scan' },
      { keys: ['F2'], label: 'key.search' },
      { keys: ['F3'], label: 'key.quantity' },
      { keys: ['F4'], label: 'key.voidSale' },
      { keys: ['F6'], label: 'key.price' },
      { keys: ['F7'], label: 'key.discount' },
      { keys: ['F8'], label: 'key.hold' },
      { keys: ['F9'], label: 'key.recall' },
      { keys: ['F10'], label: 'key.member' },
      { keys: ['Enter', 'F12'], label: 'key.pay' },
      { keys: ['F5'], label: 'key.priceCheck' },
      { keys: ['Scan'], label: 'key.nextSale' },
      { keys: ['P'], label: 'key.printReceipt' },
      { keys: ['Scan'], label: 'key.scanReceipt' },
      { keys: ['Alt+R'], label: 'key.returnItem' },
    ],
  },
  {
    title: 'group.lines',
    shortcuts: [
      { keys: ['↑', '↓'], label: 'key.selectLine' },
      { keys: ['+', '−'], label: 'key.plusMinus' },
      { keys: ['3', '*'], label: 'key.setQuantity' },
      { keys: ['Shift+Delete'], label: 'key.voidLine' },
      { keys: ['Ctrl+Z'], label: 'key.undoVoid' },
    ],
  },
  {
    title: 'group.dialogs',
    shortcuts: [
      { keys: ['Enter'], label: 'key.confirm' },
      { keys: ['Esc'], label: 'key.cancel' },
      { keys: ['↑', '↓'], label: 'key.listMove' },
      { keys: ['1–6'], label: 'key.reason' },
    ],
  },
];
