import { ConfigProvider, Spin } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import { Suspense, useEffect, useLayoutEffect, useRef, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { I18nProvider, useI18n } from '../i18n';
import { mayOpen, screenOf } from '../lib/menu';
import { SessionProvider, useSession } from '../lib/session';
import { Forbidden, NotFound } from './Forbidden';
import {
  AdminPage,
  AlertsPage,
  AuditPage,
  CaseDetailPage,
  CasesPage,
  EnrolPage,
  FeedBatchPage,
  FeedSourcePage,
  FeedsPage,
  HomePage,
  MyTasksPage,
  PlanDetailPage,
  PlanListPage,
  ProfilePage,
  RepairDetailPage,
  RepairListPage,
  RiskListPage,
  RuleDetailPage,
  RuleListPage,
  ScoringPage,
} from './routes';
import { Shell } from './Shell';
import { SignIn } from './SignIn';

dayjs.extend(utc);
dayjs.extend(timezone);
// Dates are shown in China Standard Time, wherever the browser is.
dayjs.tz.setDefault('Asia/Shanghai');

// Colours that meet WCAG AA contrast (4.5:1, axe's color-contrast): antd's default blue #1677ff under
// white text is 4.1:1, and its tertiary text (hints, secondary paragraphs, result subtitles,
// rgba(0,0,0,0.45)) 3.4:1 on white. A deeper blue (#0958d9, antd's blue-7: 6.2:1) and darker hints.
// Motion off (every antd transition 0 s) when the user asks for reduced motion
// (prefers-reduced-motion, WCAG 2.3.3). The browser journeys ask for it: axe in CI once read a
// button's text colour half-way through its transition after a click and failed the screen.
const REDUCED_MOTION =
  typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
const THEME = {
  token: {
    motion: !REDUCED_MOTION,
    colorPrimary: '#0958d9',
    colorLink: '#0958d9',
    // Hover and press darken (antd derives a lighter hover blue from the primary, 4.3:1 as the text
    // of a hovered default button: CI's axe caught it on the 403 page): blue-8 and blue-9.
    colorPrimaryHover: '#003eb3',
    colorPrimaryActive: '#002c8c',
    colorLinkHover: '#003eb3',
    colorLinkActive: '#002c8c',
    colorTextTertiary: 'rgba(0, 0, 0, 0.62)',
    colorTextDescription: 'rgba(0, 0, 0, 0.62)',
    // Placeholders of inputs and selects (antd: rgba(0,0,0,0.25), 1.9:1) read as hints: 5.7:1.
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.6)',
    // Status colours as text (Typography success/warning/danger, form errors): antd's #52c41a,
    // #faad14 and #ff4d4f are 2.1-3.3:1 on white; their 7th-8th shades are ≥ 4.5:1.
    colorSuccess: '#237804',
    colorWarning: '#ad6800',
    colorError: '#cf1322',
    // antd derives the notices' backgrounds and borders from those darker seeds, which came out a
    // grey-green and a brown: the usual light tints (the notices' text is the ordinary text colour).
    colorSuccessBg: '#f6ffed',
    colorSuccessBorder: '#b7eb8f',
    colorWarningBg: '#fffbe6',
    colorWarningBorder: '#ffe58f',
    colorErrorBg: '#fff2f0',
    colorErrorBorder: '#ffccc7',
  },
};

function Localised({ children }: { children: ReactNode }) {
  const { locale } = useI18n();
  dayjs.locale(locale === 'zh-CN' ? 'zh-cn' : 'en');
  return (
    <ConfigProvider locale={locale === 'zh-CN' ? zhCN : enUS} theme={THEME} wave={NO_WAVE}>
      {children}
    </ConfigProvider>
  );
}

// No click ripple (antd's wave): a decoration that measured the clicked control's colours and layout
// on every click, in the risk list's filter among others.
const NO_WAVE = { disabled: true };

// A signed-in screen: sign-in first (coming back here after), the 403 page when the role may not.
function Guarded({ children }: { children: ReactNode }) {
  const { me } = useSession();
  const { m } = useI18n();
  const location = useLocation();
  if (me === undefined) return <Spin fullscreen tip={m.app.loading} />;
  if (me === null) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/sign-in?next=${next}`} replace />;
  }
  // An administrator signed in without a second factor may only enrol one: every screen would refuse.
  if (me.mustEnrol) return <Navigate to="/enrol" replace />;
  const screen = screenOf(location.pathname);
  const allowed = !screen || mayOpen(screen, me.permissions);
  return (
    <Shell me={me}>
      <Suspense fallback={<Spin tip={m.app.loading} />}>
        <LeavesUnfocused key={location.pathname}>{allowed ? children : <Forbidden />}</LeavesUnfocused>
      </Suspense>
    </Shell>
  );
}

// 绑定动态口令: signed in (sign-in first, coming back here after), outside the shell (an administrator
// who must enrol has no screen to go to until done).
function Enrolling() {
  const { me } = useSession();
  const { m } = useI18n();
  if (me === undefined) return <Spin fullscreen tip={m.app.loading} />;
  if (me === null) return <Navigate to={`/sign-in?next=${encodeURIComponent('/enrol')}`} replace />;
  return (
    <Suspense fallback={<Spin fullscreen tip={m.app.loading} />}>
      <EnrolPage me={me} />
    </Suspense>
  );
}

// A screen left (another path) first gives up the focus it holds (the row or link just clicked):
// Chromium took 35–150 ms to remove the risk list's 1,100 nodes while one of them had the focus, and
// 2 ms without (bench:console). The cleanup of a layout effect runs before React removes the nodes.
function LeavesUnfocused({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    return () => {
      const focused = document.activeElement;
      if (focused instanceof HTMLElement && el?.contains(focused)) focused.blur();
    };
  }, []);
  return (
    <div ref={ref} style={{ display: 'contents' }}>
      {children}
    </div>
  );
}

// Every move to another screen asks the API who is signed in again (outside the routes, so it lives
// across them): a session that ended meanwhile (expired, signed out elsewhere, revoked) sends the user
// to sign in, told so, and back to the screen they were opening after.
function RecheckOnNavigation() {
  const { me, refresh } = useSession();
  const location = useLocation();
  const shown = useRef(location.key);
  useEffect(() => {
    if (shown.current === location.key) return;
    shown.current = location.key;
    if (me && location.pathname !== '/sign-in') void refresh();
  }, [location.key]);
  return null;
}

export function App() {
  return (
    <I18nProvider>
      <Localised>
        <SessionProvider>
          <BrowserRouter basename="/console">
            <RecheckOnNavigation />
            <Routes>
              <Route path="/sign-in" element={<SignIn />} />
              <Route path="/enrol" element={<Enrolling />} />
              <Route
                path="/"
                element={
                  <Guarded>
                    <HomePage />
                  </Guarded>
                }
              />
              <Route
                path="/risk-list"
                element={
                  <Guarded>
                    <RiskListPage />
                  </Guarded>
                }
              />
              <Route
                path="/entities/:id"
                element={
                  <Guarded>
                    <ProfilePage />
                  </Guarded>
                }
              />
              <Route path="/feeds">
                <Route
                  index
                  element={
                    <Guarded>
                      <FeedsPage />
                    </Guarded>
                  }
                />
                <Route
                  path="batches/:id"
                  element={
                    <Guarded>
                      <FeedBatchPage />
                    </Guarded>
                  }
                />
                <Route
                  path=":source"
                  element={
                    <Guarded>
                      <FeedSourcePage />
                    </Guarded>
                  }
                />
              </Route>
              <Route
                path="/cases"
                element={
                  <Guarded>
                    <CasesPage />
                  </Guarded>
                }
              />
              <Route
                path="/cases/:id"
                element={
                  <Guarded>
                    <CaseDetailPage />
                  </Guarded>
                }
              />
              <Route
                path="/rules"
                element={
                  <Guarded>
                    <RuleListPage />
                  </Guarded>
                }
              />
              <Route
                path="/rules/:id"
                element={
                  <Guarded>
                    <RuleDetailPage />
                  </Guarded>
                }
              />
              <Route
                path="/scoring"
                element={
                  <Guarded>
                    <ScoringPage />
                  </Guarded>
                }
              />
              <Route
                path="/credit-repair"
                element={
                  <Guarded>
                    <RepairListPage />
                  </Guarded>
                }
              />
              <Route
                path="/audit"
                element={
                  <Guarded>
                    <AuditPage />
                  </Guarded>
                }
              />
              <Route
                path="/admin"
                element={
                  <Guarded>
                    <AdminPage />
                  </Guarded>
                }
              />
              <Route
                path="/credit-repair/:id"
                element={
                  <Guarded>
                    <RepairDetailPage />
                  </Guarded>
                }
              />
              <Route
                path="/alerts"
                element={
                  <Guarded>
                    <AlertsPage />
                  </Guarded>
                }
              />
              <Route
                path="/inspection-plans"
                element={
                  <Guarded>
                    <PlanListPage />
                  </Guarded>
                }
              />
              <Route
                path="/inspection-plans/:id"
                element={
                  <Guarded>
                    <PlanDetailPage />
                  </Guarded>
                }
              />
              <Route
                path="/inspection-tasks"
                element={
                  <Guarded>
                    <MyTasksPage />
                  </Guarded>
                }
              />
              <Route
                path="*"
                element={
                  <Guarded>
                    <NotFound />
                  </Guarded>
                }
              />
            </Routes>
          </BrowserRouter>
        </SessionProvider>
      </Localised>
    </I18nProvider>
  );
}
