import { clearSecretStore } from '../hq/secret-store';

/** The web host's device token store: in the clear, and the log and diagnostics say why. */
export const WEB_HOST_SECRET_STORE = clearSecretStore(
  'the web host runs headless in plain Node, where no OS keychain is available; the data folder (0700) and the database (0600) are readable by this account only',
);
