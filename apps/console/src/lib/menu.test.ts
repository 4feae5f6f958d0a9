import { describe, expect, it } from 'vitest';
import { mayOpen, menuPathOf, screenOf, visibleMenu, type Screen } from './menu';

const ALL = new Set<Screen['key']>(['home', 'riskList', 'alerts', 'cases', 'audit', 'admin']);

describe('menu by permissions', () => {
  it('shows a department officer their screens and not audit or administration', () => {
    const keys = visibleMenu(['risk-list:read', 'alerts:read', 'alerts:ack', 'cases:read'], ALL).map(
      (s) => s.key,
    );
    expect(keys).toEqual(['home', 'riskList', 'alerts', 'cases']);
  });

  it('shows an auditor the audit log and home only', () => {
    expect(visibleMenu(['audit:read', 'departments:read'], ALL).map((s) => s.key)).toEqual(['home', 'audit']);
  });

  it('shows administration to a security administrator (users) and a system administrator (webhooks)', () => {
    expect(visibleMenu(['users:manage'], ALL).map((s) => s.key)).toContain('admin');
    expect(visibleMenu(['departments:manage'], ALL).map((s) => s.key)).toContain('admin');
    expect(visibleMenu(['departments:read'], ALL).map((s) => s.key)).not.toContain('admin');
  });

  it('leaves out screens not built yet even when permitted', () => {
    expect(visibleMenu(['rules:read'], ALL).map((s) => s.key)).toEqual(['home']);
  });

  it('maps a path to its screen, entity profiles to entities:read', () => {
    expect(screenOf('/risk-list')?.key).toBe('riskList');
    expect(screenOf('/alerts/123')?.key).toBe('alerts');
    expect(mayOpen(screenOf('/entities/91330106MA2XXXX')!, ['risk-list:read'])).toBe(false);
    expect(mayOpen(screenOf('/entities/91330106MA2XXXX')!, ['entities:read'])).toBe(true);
    expect(screenOf('/nowhere')).toBeUndefined();
  });

  it('highlights the risk list on an entity profile and home elsewhere', () => {
    expect(menuPathOf('/entities/91330106MA2XXXX')).toBe('/risk-list');
    expect(menuPathOf('/risk-list')).toBe('/risk-list');
    expect(menuPathOf('/')).toBe('/');
    expect(menuPathOf('/nowhere')).toBe('/');
  });
});

describe('random inspection screens', () => {
  const built = new Set<Screen['key']>(['home', 'plans', 'myTasks']);
  it('shows the plans to every staff role and my tasks to those who record results', () => {
    expect(visibleMenu(['planning:read', 'planning:publish'], built).map((s) => s.key)).toEqual([
      'home',
      'plans',
    ]);
    expect(
      visibleMenu(['planning:read', 'planning:plan', 'planning:result'], built).map((s) => s.key),
    ).toEqual(['home', 'plans', 'myTasks']);
    expect(screenOf('/inspection-plans/0b0e3c5e-0000-4000-8000-000000000000')?.key).toBe('plans');
    expect(menuPathOf('/inspection-tasks')).toBe('/inspection-tasks');
  });
});
