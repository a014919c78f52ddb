export function registerReport(_p: unknown): void {}
