import type { Messages } from '../i18n/zh-CN';

// The console's screens and the permission (any of) that opens each: the menu shows what the
// signed-in caller may do (GET /api/v1/auth/me's permissions), and a screen's route refuses with the
// 403 page what the menu would not show. The API checks every request again: this only keeps the
// menu honest.
export interface Screen {
  key: keyof Messages['menu'];
  path: string;
  anyOf: readonly string[];
}

export const SCREENS: readonly Screen[] = [
  { key: 'home', path: '/', anyOf: [] },
  { key: 'riskList', path: '/risk-list', anyOf: ['risk-list:read'] },
  { key: 'alerts', path: '/alerts', anyOf: ['alerts:read'] },
  { key: 'cases', path: '/cases', anyOf: ['cases:read'] },
  { key: 'rules', path: '/rules', anyOf: ['rules:read'] },
  { key: 'feeds', path: '/feeds', anyOf: ['batches:read'] },
  { key: 'scoring', path: '/scoring', anyOf: ['scoring:read'] },
  { key: 'repair', path: '/credit-repair', anyOf: ['repair:file', 'repair:decide'] },
  { key: 'plans', path: '/inspection-plans', anyOf: ['planning:read'] },
  { key: 'myTasks', path: '/inspection-tasks', anyOf: ['planning:result'] },
  { key: 'audit', path: '/audit', anyOf: ['audit:read'] },
  { key: 'admin', path: '/admin', anyOf: ['users:manage', 'departments:manage'] },
];

export function mayOpen(screen: Pick<Screen, 'anyOf'>, permissions: readonly string[]): boolean {
  return screen.anyOf.length === 0 || screen.anyOf.some((p) => permissions.includes(p));
}

// The menu of a caller: the built screens (`built`, by key) they may open, in the screens' order.
export function visibleMenu(permissions: readonly string[], built: ReadonlySet<Screen['key']>): Screen[] {
  return SCREENS.filter((s) => built.has(s.key) && mayOpen(s, permissions));
}

// The screen a console path belongs to (its first segment), for the route guard.
export function screenOf(path: string): Screen | undefined {
  const first = '/' + (path.replace(/^\/+/, '').split('/')[0] ?? '');
  return SCREENS.find((s) => s.path === first) ?? (first === '/entities' ? ENTITY_SCREEN : undefined);
}

// An entity profile (主体画像) opens from the risk list and anywhere an entity is named.
export const ENTITY_SCREEN: Screen = { key: 'riskList', path: '/entities', anyOf: ['entities:read'] };

// The menu item to highlight for a console path: its screen's, and the risk list's for an entity
// profile (opened from it).
export function menuPathOf(path: string): string {
  const screen = screenOf(path);
  return SCREENS.find((s) => s.key === screen?.key)?.path ?? '/';
}
