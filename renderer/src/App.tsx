import { useEffect, useState } from 'react';
import type { AppInfo, CompletedSaleView, User } from '../../shared/api';
import { call } from './api/client';
import { LanguageSwitch } from './components/LanguageSwitch';
import { LockScreen } from './components/LockScreen';
import { NavBar, type NavItem } from './components/NavBar';
import { ReceiptView } from './components/ReceiptView';
import { SessionControls } from './components/SessionControls';
import { StatusBar } from './components/StatusBar';
import { useConnectivity } from './hooks/useConnectivity';
import { useSyncStatus } from './hooks/useSyncStatus';
import { useDiskSpace } from './hooks/useDiskSpace';
import { usePrinterStatus } from './hooks/usePrinterStatus';
import { useKassaEvent } from './hooks/useKassaEvent';
import { CashScreen } from './screens/cash/CashScreen';
import { CheckoutScreen } from './screens/CheckoutScreen';
import { DiagnosticsScreen } from './screens/diagnostics/DiagnosticsScreen';
import { CompletedScreen } from './screens/CompletedScreen';
import { EnrolScreen } from './screens/EnrolScreen';
import { TenderScreen } from './screens/TenderScreen';
import { LoginScreen } from './screens/LoginScreen';
import { MembersScreen } from './screens/membership/MembersScreen';
import { DayScreen } from './screens/orders/DayScreen';
import { OrdersScreen } from './screens/orders/OrdersScreen';
import { setLocale, useTranslation } from './i18n';
import { useScannerBursts } from './scanner/burst';
import { money } from './format';
import { configureSound } from './feedback/sound';

/** The screens of a signed-in register besides the sale itself; each module adds its own. */
type View = 'sale' | 'orders' | 'cash' | 'day' | 'members' | 'diagnostics';
const VIEWS: NavItem<View>[] = [
  { id: 'sale', label: 'Sale', shortcut: 'Alt+s', hint: 'Alt+S' },
  { id: 'orders', label: 'Orders', shortcut: 'Alt+o', hint: 'Alt+O' },
  // Not "Cash": the tender screen's Cash button is the contract's, and a nav button must not share its name.
  { id: 'cash', label: 'Drawer', shortcut: 'Alt+w', hint: 'Alt+W' },
  { id: 'day', label: 'End of day', shortcut: 'Alt+e', hint: 'Alt+E' },
  { id: 'members', label: 'Members', shortcut: 'Alt+m', hint: 'Alt+M' },
  { id: 'diagnostics', label: 'Diagnostics', shortcut: 'Alt+d', hint: 'Alt+D' },
];
/** Views only a signed-in manager sees. */
const MANAGER_VIEWS: readonly View[] = ['diagnostics'];
/** How long the previous sale's change stays in view. */
const CHANGE_BANNER_MS = 8_000;

export function App() {
  const { t } = useTranslation('common');
  const { t: tc } = useTranslation('checkout');
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const connectivity = useConnectivity();
  const sync = useSyncStatus();
  const disk = useDiskSpace();
  const printer = usePrinterStatus();
  const [step, setStep] = useState<'cart' | 'tender'>('cart');
  const [completed, setCompleted] = useState<CompletedSaleView | null>(null);
  const [view, setView] = useState<View>('sale');
  /** Auto-lock: the lock screen covers the current work, which stays mounted underneath. */
  const [locked, setLocked] = useState(false);
  /** A code scanned away from the sale screen (completed sale, another view), to be scanned into the sale. */
  const [pendingScan, setPendingScan] = useState<{ code: string; seq: number } | null>(null);
  /** The change of the sale just completed, shown on the next sale for a few seconds. */
  const [lastChange, setLastChange] = useState<{ sale: CompletedSaleView; seq: number } | null>(null);
  const [printRequest, setPrintRequest] = useState(0);
  // The previous sale's change stays in the navigation row for a few seconds, for the cashier still counting it out.
  const [changeGone, setChangeGone] = useState<number | null>(null);
  useEffect(() => {
    if (!lastChange) return;
    const timer = setTimeout(() => setChangeGone(lastChange.seq), CHANGE_BANNER_MS);
    return () => clearTimeout(timer);
  }, [lastChange]);
  const changeBanner = lastChange && changeGone !== lastChange.seq && !completed ? lastChange.sale : null;
  const changeText = (sale: CompletedSaleView) => tc('changeBanner', { change: money(sale.change, sale.currency, info?.locale ?? 'en') });

  const scanIntoSale = (code: string) => {
    if (completed) setLastChange({ sale: completed, seq: Date.now() });
    setCompleted(null);
    setStep('cart');
    setView('sale');
    setPendingScan({ code, seq: Date.now() });
  };
  // A scan on another screen (Orders, End of day, …) with focus on a button or nowhere goes to the sale.
  useScannerBursts(user && info && !locked && !completed && step === 'cart' && view !== 'sale' ? scanIntoSale : null);

  useEffect(() => {
    void call('app.info', {}).then(setInfo);
    void call('session.get', {}).then((s) => {
      setUser(s.user);
      setLocked(Boolean(s.locked));
    });
  }, []);
  useKassaEvent('session.changed', (s) => {
    // Another cashier took over a locked till: their own session starts at the cart (a sale without payments was held).
    if (s.user && user && s.user.id !== user.id) {
      setStep('cart');
      setCompleted(null);
    }
    setUser(s.user);
    setLocked(Boolean(s.locked));
  });
  useKassaEvent('app.changed', setInfo);
  useEffect(() => {
    if (info) setLocale(info.locale);
  }, [info]);
  // The scan sounds follow settings `checkout.sound` as app.info gives them.
  useEffect(() => configureSound(info?.till?.sound), [info]);

  const views = VIEWS.filter((v) => user?.role === 'manager' || !MANAGER_VIEWS.includes(v.id));
  const signOut = () => void call('session.logout', {}).then(() => setUser(null));

  return (
    <div className="app">
      <StatusBar info={info} connectivity={connectivity} user={user ?? null} locked={locked} sync={sync} disk={disk} printer={printer} />
      {user && info ? (
        <NavBar items={views.length > 1 ? views : []} current={view} onSelect={setView}>
          {changeBanner ? (
            <p className="change-banner" role="status" data-testid="change-banner" title={`${changeText(changeBanner)} · ${tc('changeBannerSale', { number: changeBanner.number })}`}>
              <strong>{changeText(changeBanner)}</strong>
              <span> · {tc('changeBannerSale', { number: changeBanner.number })}</span>
            </p>
          ) : null}
          <LanguageSwitch info={info} onChanged={setInfo} />
          <SessionControls user={user} onSignOut={signOut} />
        </NavBar>
      ) : null}
      {user === undefined || !info ? (
        <main className="loading" aria-busy="true">
          {t('starting')}
        </main>
      ) : info.mode === 'hq' && !info.enrolled ? (
        <EnrolScreen onEnrolled={setInfo} />
      ) : user && completed ? (
        <CompletedScreen
          info={info}
          sale={completed}
          receipt={<ReceiptView saleId={completed.saleId} printRequest={printRequest} />}
          onPrint={() => setPrintRequest((n) => n + 1)}
          onScan={scanIntoSale}
          onNewSale={() => {
            setLastChange({ sale: completed, seq: Date.now() });
            setCompleted(null);
            setStep('cart');
          }}
        />
      ) : user && step === 'tender' ? (
        <TenderScreen
          info={info}
          onBack={() => setStep('cart')}
          onScan={(code) => {
            setStep('cart');
            setPendingScan({ code, seq: Date.now() });
          }}
          onCompleted={(sale) => {
            setPrintRequest(info.till?.receipt === 'print' ? 1 : 0);
            setCompleted(sale);
            setStep('cart');
          }}
        />
      ) : user && view === 'orders' ? (
        <OrdersScreen info={info} />
      ) : user && view === 'cash' ? (
        <CashScreen info={info} user={user} />
      ) : user && view === 'day' ? (
        <DayScreen info={info} />
      ) : user && view === 'members' ? (
        <MembersScreen />
      ) : user?.role === 'manager' && view === 'diagnostics' ? (
        <DiagnosticsScreen info={info} />
      ) : user ? (
        <CheckoutScreen
          info={info}
          onPay={() => setStep('tender')}
          pendingScan={pendingScan}
          onScanTaken={() => setPendingScan(null)}
        />
      ) : (
        <>
          <LoginScreen onSignedIn={setUser} />
          <footer className="app__footer">
            <LanguageSwitch info={info} onChanged={setInfo} />
          </footer>
        </>
      )}
      {user && locked ? <LockScreen user={user} onSignOut={signOut} /> : null}
    </div>
  );
}
