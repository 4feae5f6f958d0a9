import type { ESLint } from 'eslint';

export declare const architecture: ESLint.Plugin;
export declare const PURE_CORES: string[];
