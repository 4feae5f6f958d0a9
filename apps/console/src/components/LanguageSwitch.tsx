import { Button } from 'antd';
import { useI18n } from '../i18n';

// The one-click switch between zh-CN and English (the sign-in, enrol and every signed-in screen's
// header): labelled in the language it switches to, marked so for screen readers.
export function LanguageSwitch({ link }: { link?: boolean }) {
  const { m, locale, setLocale } = useI18n();
  return (
    <Button
      size="small"
      type={link ? 'link' : undefined}
      lang={locale === 'zh-CN' ? 'en' : 'zh-CN'}
      onClick={() => setLocale(locale === 'zh-CN' ? 'en-US' : 'zh-CN')}
    >
      {m.app.language}
    </Button>
  );
}
