import { useEffect, useState } from 'react';
import type { AppInfo, CompletedSaleView, User } from '../../shared/api';
import { call } from './api/client';
import { NavBar, type NavItem } from './components/NavBar';
import { ReceiptView } from './components/ReceiptView';
import { StatusBar } from './components/StatusBar';
import { useConnectivity } from './hooks/useConnectivity';
import { useSyncStatus } from './hooks/useSyncStatus';
import { useKassaEvent } from './hooks/useKassaEvent';
import { CheckoutScreen } from './screens/CheckoutScreen';
import { CompletedScreen } from './screens/CompletedScreen';
import { EnrolScreen } from './screens/EnrolScreen';
import { TenderScreen } from './screens/TenderScreen';
import { LoginScreen } from './screens/LoginScreen';
import { setLocale } from './i18n';

/** The screens of a signed-in register besides the sale itself; each module adds its own. */
type View = 'sale';
const VIEWS: NavItem<View>[] = [{ id: 'sale', label: 'Sale', shortcut: 'Alt+s', hint: 'Alt+S' }];

export function App() {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const connectivity = useConnectivity();
  const sync = useSyncStatus();
  const [step, setStep] = useState<'cart' | 'tender'>('cart');
  const [completed, setCompleted] = useState<CompletedSaleView | null>(null);
  const [view, setView] = useState<View>('sale');

  useEffect(() => {
    void call('app.info', {}).then(setInfo);
    void call('session.get', {}).then((s) => setUser(s.user));
  }, []);
  useKassaEvent('session.changed', (s) => setUser(s.user));
  useKassaEvent('app.changed', setInfo);
  useEffect(() => {
    if (info) setLocale(info.locale);
  }, [info]);

  const signOut = () => void call('session.logout', {}).then(() => setUser(null));

  return (
    <div className="app">
      <StatusBar info={info} connectivity={connectivity} user={user ?? null} sync={sync} onSignOut={signOut} />
      {user && info && VIEWS.length > 1 ? <NavBar items={VIEWS} current={view} onSelect={setView} /> : null}
      {user === undefined || !info ? (
        <main className="loading" aria-busy="true">
          Starting…
        </main>
      ) : info.mode === 'hq' && !info.enrolled ? (
        <EnrolScreen onEnrolled={setInfo} />
      ) : user && completed ? (
        <CompletedScreen
          info={info}
          sale={completed}
          receipt={<ReceiptView saleId={completed.saleId} />}
          onNewSale={() => {
            setCompleted(null);
            setStep('cart');
          }}
        />
      ) : user && step === 'tender' ? (
        <TenderScreen
          info={info}
          onBack={() => setStep('cart')}
          onCompleted={(sale) => {
            setCompleted(sale);
            setStep('cart');
          }}
        />
      ) : user ? (
        <CheckoutScreen info={info} onPay={() => setStep('tender')} />
      ) : (
        <LoginScreen onSignedIn={setUser} />
      )}
    </div>
  );
}
