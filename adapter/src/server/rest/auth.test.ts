import { hasRole, roleForUser, type Principal } from './auth';

const user = (name: string, groups: string[]) => ({ name, groups, extra: {} });

describe('roles', () => {
  test('viewer < operator < admin', () => {
    const p = (role: Principal['role']): Principal => ({ kind: 'apikey', actor: 'a', role, rateKey: 'a' });
    expect(hasRole(p('viewer'), 'viewer')).toBe(true);
    expect(hasRole(p('viewer'), 'operator')).toBe(false);
    expect(hasRole(p('operator'), 'viewer')).toBe(true);
    expect(hasRole(p('operator'), 'admin')).toBe(false);
    expect(hasRole(p('admin'), 'operator')).toBe(true);
  });

  test('Kubernetes users get the highest role of the rules that match their name or groups', () => {
    const rules = [
      { group: 'sre', role: 'operator' as const },
      { user: 'alice', role: 'viewer' as const },
      { group: 'platform-admins', role: 'admin' as const },
    ];
    expect(roleForUser(user('alice', ['sre']), rules)).toBe('operator');
    expect(roleForUser(user('alice', []), rules)).toBe('viewer');
    expect(roleForUser(user('bob', ['dev', 'platform-admins']), rules)).toBe('admin');
    expect(roleForUser(user('carol', ['dev']), rules)).toBeUndefined();
    expect(roleForUser(user('sre', []), rules)).toBeUndefined();
  });
});
