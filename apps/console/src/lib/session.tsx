import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, ApiFailure, CSRF_COOKIE, ok, onSessionExpired, readCookie } from '../api/client';

// Who is signed in (GET /api/v1/auth/me): role, department, jurisdiction and permissions.
export interface Me {
  kind: 'user' | 'apiKey';
  username?: string;
  role?: string;
  roleLabel?: { zh: string; en: string };
  departmentCode?: string | null;
  regionCode?: string | null;
  mustEnrol?: boolean;
  jurisdiction?: unknown;
  permissions: string[];
}

interface Session {
  me: Me | null | undefined; // undefined while asking, null when not signed in
  expired: boolean;
  refresh(): Promise<void>;
  signOut(): Promise<void>;
}

const Ctx = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [expired, setExpired] = useState(false);
  const refresh = useCallback(async () => {
    // No lj_csrf cookie, no session (both cookies live as long as the token): not asked, so a
    // signed-out visit answers the sign-in page at once, with no 401 in the browser's console.
    if (!readCookie(CSRF_COOKIE)) {
      setMe(null);
      return;
    }
    try {
      setMe(await ok<Me>(api.GET('/api/v1/auth/me') as never));
      setExpired(false);
    } catch (e) {
      if (e instanceof ApiFailure && e.error.status === 401) setMe(null);
      else throw e;
    }
  }, []);
  const signOut = useCallback(async () => {
    await api.POST('/api/v1/auth/logout' as never).catch(() => undefined);
    setExpired(false);
    setMe(null);
  }, []);
  useEffect(() => {
    void refresh();
    return onSessionExpired(() => {
      setMe((prev) => {
        if (prev) setExpired(true);
        return null;
      });
    });
  }, [refresh]);
  return <Ctx.Provider value={{ me, expired, refresh, signOut }}>{children}</Ctx.Provider>;
}

export function useSession(): Session {
  const v = useContext(Ctx);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}
