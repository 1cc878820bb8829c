// HQ keeps and checks the hashes registers cache, in the same form; HQ never peppers (that is the register's device secret).
export { hashPin, verifyPin } from '../../../shared/node/pin-hash';
