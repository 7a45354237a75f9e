export function ensurePackageFolder(dir: string, what: string): void;
