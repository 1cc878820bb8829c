export type ElectronStatus = { path: string; reason?: undefined } | { path: null; reason: string };
export function electronStatus(): ElectronStatus;
export function electronBinary(): string | null;
export function electronVersion(): string | null;
