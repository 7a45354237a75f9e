export function which(...names: string[]): string | null;
export function findChromium(): string | null;
export function redisSource(): { url: string } | { server: string } | null;
export const inCi: boolean;
