import {
  Alert,
  Button,
  Card,
  Descriptions,
  Form,
  Input,
  Space,
  Spin,
  Table,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, ok, type ApiError } from '../../api/client';
import type { CaseAlert, CaseDetail as Detail, CaseTask } from '../../api/cases';
import { Forbidden } from '../../app/Forbidden';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { fmt, pick, useI18n } from '../../i18n';
import {
  ACTION_REASON,
  caseActions,
  taskAction,
  type CaseAction,
  type CaseState,
  type Caller,
} from '../../lib/case-board';
import { dateTime } from '../../lib/dates';
import { caught, fieldErrors } from '../../lib/errors';
import { useSession } from '../../lib/session';
import {
  CaseStateTag,
  CaseTheme,
  entityKey,
  entityLabel,
  OVERDUE_COLOR,
  OverdueTag,
  TaskStateTag,
} from './parts';
import { ReportForm } from './ReportForm';

type Load = { state: 'loading' } | { state: 'error'; error: ApiError } | { state: 'ok'; detail: Detail };

// 案件详情: the case, each department's task (due date, state, result), the moves the caller may
// make from the current state (coordinators: dispatch, close, reopen, each with its reason; a
// department's officer: accept and report its own task), the transition timeline and the alerts.
export default function CaseDetail() {
  const { id = '' } = useParams();
  const { m } = useI18n();
  const { me } = useSession();
  const caller: Caller = { permissions: me?.permissions ?? [], departmentCode: me?.departmentCode ?? null };
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [done, setDone] = useState<string | null>(null);

  const fetchDetail = async () => {
    try {
      const detail = await ok<Detail>(api.GET('/api/v1/cases/{id}', { params: { path: { id } } }));
      setLoad({ state: 'ok', detail });
    } catch (e) {
      setLoad({ state: 'error', error: caught(e, m) });
    }
  };
  useEffect(() => {
    setLoad({ state: 'loading' });
    setDone(null);
    void fetchDetail();
  }, [id]);

  if (load.state === 'loading') return <Spin tip={m.app.loading} />;
  if (load.state === 'error') {
    if (load.error.status === 403) return <Forbidden reason={load.error.message} />;
    return (
      <Card>
        <ApiErrorAlert error={load.error} />
        <Link to="/cases">{m.cases.detail.back}</Link>
      </Card>
    );
  }
  const c = load.detail;
  const moved = (detail: Detail) => {
    setLoad({ state: 'ok', detail });
    setDone(fmt(m.cases.action.done, { state: m.cases.state[detail.state as CaseState] }));
  };

  return (
    <CaseTheme>
      <Space orientation="vertical" size={16} style={{ width: '100%' }}>
        <Card>
          <Link to="/cases">{m.cases.detail.back}</Link>
          <Typography.Title level={4} style={{ marginTop: 8 }}>
            {fmt(m.cases.detail.titleOf, { id: c.id })} · {c.title}
          </Typography.Title>
          {done ? (
            <Alert type="success" showIcon role="status" title={done} style={{ marginBottom: 16 }} />
          ) : null}
          <Basics c={c} />
        </Card>
        <Actions c={c} caller={caller} onMoved={moved} onStart={() => setDone(null)} />
        <Tasks
          c={c}
          caller={caller}
          onStart={() => setDone(null)}
          onChanged={async (message) => {
            await fetchDetail();
            setDone(message);
          }}
        />
        <Transitions c={c} />
        <Alerts alerts={c.alerts} />
      </Space>
    </CaseTheme>
  );
}

function Basics({ c }: { c: Detail }) {
  const { m, locale } = useI18n();
  const d = m.cases.detail;
  const none = d.none;
  return (
    <Descriptions size="small" column={{ xs: 1, md: 2, xl: 3 }} title={d.basics}>
      <Descriptions.Item label={d.state}>
        <Space size={4}>
          <CaseStateTag state={c.state} />
          {c.overdue ? <OverdueTag /> : null}
        </Space>
      </Descriptions.Item>
      <Descriptions.Item label={d.entity}>
        <Link to={`/entities/${encodeURIComponent(entityKey(c.entity))}`}>{entityLabel(c.entity)}</Link>
      </Descriptions.Item>
      <Descriptions.Item label={d.type}>
        {c.caseTypeLabel ? pick(c.caseTypeLabel, locale) : c.caseType}
      </Descriptions.Item>
      <Descriptions.Item label={d.lead}>{c.leadDepartment}</Descriptions.Item>
      <Descriptions.Item label={d.departments}>
        <Space size={[4, 4]} wrap>
          {c.departments.map((x) => (
            <Tag key={x}>{x}</Tag>
          ))}
        </Space>
      </Descriptions.Item>
      <Descriptions.Item label={d.round}>{c.round}</Descriptions.Item>
      <Descriptions.Item label={d.origin}>
        {c.origin === 'auto' ? d.originAuto : d.originManual}
      </Descriptions.Item>
      <Descriptions.Item label={d.openedBy}>{c.openedBy}</Descriptions.Item>
      <Descriptions.Item label={d.openedAt}>{dateTime(c.openedAt)}</Descriptions.Item>
      <Descriptions.Item label={d.dispatchDue}>{dateTime(c.dueAt)}</Descriptions.Item>
      <Descriptions.Item label={d.dispatchedAt}>
        {c.dispatchedAt
          ? fmt(m.cases.task.by, { who: c.dispatchedBy ?? '', at: dateTime(c.dispatchedAt) })
          : none}
      </Descriptions.Item>
      <Descriptions.Item label={d.feedbackDue}>
        {c.feedbackDueAt ? dateTime(c.feedbackDueAt) : none}
      </Descriptions.Item>
      <Descriptions.Item label={d.closedAt}>
        {c.closedAt ? fmt(m.cases.task.by, { who: c.closedBy ?? '', at: dateTime(c.closedAt) }) : none}
      </Descriptions.Item>
      <Descriptions.Item label={d.outcome}>{c.outcome ?? none}</Descriptions.Item>
    </Descriptions>
  );
}

const REASON_FIELD: Readonly<Record<CaseAction, 'note' | 'outcome' | 'reason'>> = {
  dispatch: 'note',
  close: 'outcome',
  reopen: 'reason',
};

// The case's moves the caller may make from its state, each with its reason (an outcome to close,
// a reason to reopen, an optional note to dispatch). The API's refusal stays above the form, its
// field reasons next to the input, and the text typed stays.
function Actions(props: { c: Detail; caller: Caller; onMoved(d: Detail): void; onStart(): void }) {
  const { c, caller, onMoved, onStart } = props;
  const { m } = useI18n();
  const a = m.cases.action;
  const actions = caseActions(c.state, caller);
  const [open, setOpen] = useState<CaseAction | null>(null);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  if (!caller.permissions.includes('cases:manage')) return null;

  const label: Record<CaseAction, string> = {
    dispatch: a.dispatchNote,
    close: a.closeOutcome,
    reopen: a.reopenReason,
  };
  const submit = async (action: CaseAction) => {
    setBusy(true);
    setError(null);
    onStart();
    const path = { params: { path: { id: c.id } } };
    const t = text.trim();
    try {
      const detail =
        action === 'dispatch'
          ? await ok(
              api.POST('/api/v1/cases/{id}/dispatch', { ...path, body: (t ? { note: t } : {}) as never }),
            )
          : action === 'close'
            ? await ok(api.POST('/api/v1/cases/{id}/close', { ...path, body: { outcome: text } as never }))
            : await ok(api.POST('/api/v1/cases/{id}/reopen', { ...path, body: { reason: text } as never }));
      setOpen(null);
      setText('');
      onMoved(detail);
    } catch (e) {
      setError(caught(e, m));
    } finally {
      setBusy(false);
    }
  };
  const fieldError = open ? fieldErrors(error)[REASON_FIELD[open]] : undefined;

  return (
    <Card size="small" title={m.cases.detail.actions}>
      {actions.length === 0 ? (
        <Typography.Text type="secondary">{m.cases.detail.noActions}</Typography.Text>
      ) : (
        <Space wrap>
          {actions.map((x) => (
            <Button
              key={x}
              type={open === x ? 'primary' : 'default'}
              onClick={() => {
                setOpen(x);
                setError(null);
              }}
            >
              {a[x]}
            </Button>
          ))}
        </Space>
      )}
      {open ? (
        <Form
          layout="vertical"
          style={{ maxWidth: 640, marginTop: 16 }}
          onFinish={() => void submit(open)}
          data-testid="case-action-form"
        >
          <ApiErrorAlert error={error} />
          <Form.Item
            label={label[open]}
            htmlFor="case-action-reason"
            required={ACTION_REASON[open] === 'required'}
            validateStatus={fieldError ? 'error' : undefined}
            help={fieldError}
          >
            <Input.TextArea
              id="case-action-reason"
              rows={3}
              value={text}
              onChange={(e) => setText(e.target.value)}
            />
          </Form.Item>
          <Space>
            <Button type="primary" htmlType="submit" loading={busy}>
              {a[open]}
            </Button>
            <Button onClick={() => setOpen(null)}>{a.cancel}</Button>
          </Space>
        </Form>
      ) : null}
    </Card>
  );
}

function Tasks(props: {
  c: Detail;
  caller: Caller;
  onStart(): void;
  onChanged(message: string): Promise<void>;
}) {
  const { c, caller, onStart, onChanged } = props;
  const { m } = useI18n();
  const t = m.cases.task;
  const [reporting, setReporting] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const accept = async (department: string) => {
    setBusy(department);
    setError(null);
    onStart();
    try {
      await ok(
        api.POST('/api/v1/cases/{id}/tasks/{department}/accept', {
          params: { path: { id: c.id, department } },
        }),
      );
      await onChanged(fmt(m.cases.action.done, { state: m.cases.taskState.accepted }));
    } catch (e) {
      setError(caught(e, m));
    } finally {
      setBusy(null);
    }
  };

  const columns = (current: boolean): ColumnsType<CaseTask> => [
    { title: t.department, key: 'department', render: (_, x) => x.department },
    {
      title: t.state,
      key: 'state',
      render: (_, x) => (
        <Space size={4}>
          <TaskStateTag state={x.state} />
          {x.overdue ? <OverdueTag /> : null}
        </Space>
      ),
    },
    { title: t.dueAt, key: 'dueAt', render: (_, x) => dateTime(x.dueAt) },
    {
      title: t.accepted,
      key: 'accepted',
      render: (_, x) =>
        x.acceptedAt ? fmt(t.by, { who: x.acceptedBy ?? '', at: dateTime(x.acceptedAt) }) : '',
    },
    {
      title: t.reported,
      key: 'reported',
      render: (_, x) =>
        x.reportedAt ? fmt(t.by, { who: x.reportedBy ?? '', at: dateTime(x.reportedAt) }) : '',
    },
    {
      title: t.result,
      key: 'result',
      render: (_, x) =>
        x.result ? (
          <Space orientation="vertical" size={2}>
            <Tag color={x.result.verified ? OVERDUE_COLOR : 'default'}>
              {x.result.verified ? t.verifiedYes : t.verifiedNo}
            </Tag>
            <span>{x.result.actionTaken}</span>
            {typeof x.result.penalty?.decisionNo === 'string' ? (
              <span>{fmt(t.decisionNo, { no: x.result.penalty.decisionNo })}</span>
            ) : null}
          </Space>
        ) : null,
    },
    ...(current
      ? [
          {
            title: t.action,
            key: 'action',
            render: (_: unknown, x: CaseTask) => {
              const action = taskAction(c.state, x, caller);
              if (action === 'accept')
                return (
                  <Button
                    size="small"
                    type="primary"
                    loading={busy === x.department}
                    onClick={() => void accept(x.department)}
                  >
                    {t.accept}
                  </Button>
                );
              if (action === 'report')
                return (
                  <Button size="small" type="primary" onClick={() => setReporting(x.department)}>
                    {t.report}
                  </Button>
                );
              return null;
            },
          },
        ]
      : []),
  ];

  return (
    <Card size="small" title={m.cases.detail.tasks}>
      <ApiErrorAlert error={error} />
      {c.tasks.length === 0 ? (
        <Typography.Paragraph type="secondary">{m.cases.detail.notDispatched}</Typography.Paragraph>
      ) : (
        <Table<CaseTask>
          size="small"
          rowKey="department"
          pagination={false}
          aria-label={m.cases.detail.tasksLabel}
          dataSource={c.tasks}
          columns={columns(true)}
        />
      )}
      {reporting ? (
        <ReportForm
          key={reporting}
          caseId={c.id}
          department={reporting}
          onStart={onStart}
          onCancel={() => setReporting(null)}
          onDone={() => {
            setReporting(null);
            void onChanged(m.cases.report.sent);
          }}
        />
      ) : null}
      {c.previousTasks.length ? (
        <>
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {m.cases.detail.previousTasks}
          </Typography.Title>
          <Table<CaseTask>
            size="small"
            rowKey={(x) => `${x.round}-${x.department}`}
            pagination={false}
            aria-label={m.cases.detail.previousTasks}
            dataSource={c.previousTasks}
            columns={columns(false)}
          />
        </>
      ) : null}
    </Card>
  );
}

function Transitions({ c }: { c: Detail }) {
  const { m } = useI18n();
  const tl = m.cases.timeline;
  if (!c.transitions.length)
    return (
      <Card size="small" title={m.cases.detail.timeline}>
        <Typography.Text type="secondary">{tl.empty}</Typography.Text>
      </Card>
    );
  return (
    <Card size="small" title={m.cases.detail.timeline}>
      <Timeline
        data-testid="case-timeline"
        items={c.transitions.map((x) => ({
          key: x.id,
          color: x.toState === 'closed' ? 'green' : 'blue',
          content: (
            <Space orientation="vertical" size={0}>
              <Typography.Text strong>
                {x.fromState
                  ? fmt(tl.move, { from: m.cases.state[x.fromState], to: m.cases.state[x.toState] })
                  : fmt(tl.move, { from: tl.opened, to: m.cases.state[x.toState] })}
              </Typography.Text>
              <Typography.Text type="secondary">
                {x.actor} · {dateTime(x.at)}
              </Typography.Text>
              {x.reason ? <Typography.Text>{fmt(tl.reason, { reason: x.reason })}</Typography.Text> : null}
            </Space>
          ),
        }))}
      />
    </Card>
  );
}

function Alerts({ alerts }: { alerts: CaseAlert[] }) {
  const { m, locale } = useI18n();
  const al = m.cases.alert;
  return (
    <Card size="small" title={m.cases.detail.alerts}>
      <Table<CaseAlert>
        size="small"
        rowKey="alertId"
        pagination={false}
        aria-label={m.cases.detail.alertsLabel}
        dataSource={alerts}
        columns={[
          { title: al.id, key: 'id', render: (_, a) => a.alertId },
          {
            title: al.title,
            key: 'title',
            render: (_, a) => pick(a.title as { zh?: string; en?: string } | string | undefined, locale),
          },
          { title: al.rule, key: 'rule', render: (_, a) => a.ruleId },
          {
            title: al.severity,
            key: 'severity',
            render: (_, a) => (m.cases.severity as Record<string, string>)[a.severity] ?? a.severity,
          },
          {
            title: al.status,
            key: 'status',
            render: (_, a) => (m.cases.alertStatus as Record<string, string>)[a.status] ?? a.status,
          },
        ]}
      />
    </Card>
  );
}
