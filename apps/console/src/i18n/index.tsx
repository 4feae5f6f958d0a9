import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { enUS } from './en-US';
import { zhCN, type Messages } from './zh-CN';

export type Locale = 'zh-CN' | 'en-US';
export const MESSAGES: Record<Locale, Messages> = { 'zh-CN': zhCN, 'en-US': enUS };

// "{seconds} 秒" with { seconds: 30 }: placeholders are replaced, unknown ones left as they are.
export function fmt(text: string, vars: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}

// A bilingual text of the API ({ zh, en }, as every refusal and label carries) in the current locale.
export function pick(text: { zh?: string; en?: string } | string | undefined, locale: Locale): string {
  if (text === undefined) return '';
  if (typeof text === 'string') return text;
  return (locale === 'zh-CN' ? (text.zh ?? text.en) : (text.en ?? text.zh)) ?? '';
}

interface I18n {
  locale: Locale;
  m: Messages;
  setLocale(l: Locale): void;
}

const Ctx = createContext<I18n | null>(null);
const KEY = 'lianjian.locale'; // the language only: nothing secret is kept in storage

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(() =>
    globalThis.localStorage?.getItem(KEY) === 'en-US' ? 'en-US' : 'zh-CN',
  );
  // The page's language for screen readers and axe, also when the stored choice is English.
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const value = useMemo<I18n>(
    () => ({
      locale,
      m: MESSAGES[locale],
      setLocale(l) {
        globalThis.localStorage?.setItem(KEY, l);
        setLocaleState(l);
      },
    }),
    [locale],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Ctx);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
