// Types of demo.mjs for the typed client.
export function option(name: string, fallback: string): string;
export function option(name: string, fallback?: string): string | undefined;
export function demoToken(base: string, persona: string): Promise<string>;
