export * from './roles';
export * from './principal';
export * from './jurisdiction';
export * from './password';
export * from './secrets';
export * from './masking';
export * from './account-input';
export * from './account-scope';
