export { hashPin, isPeppered, pepperPinHash, UNUSABLE_PIN_HASH, verifyPin } from '../../../shared/node/pin-hash';
