import {
  Alert,
  Button,
  Card,
  Col,
  Form,
  Input,
  InputNumber,
  Row,
  Select,
  Space,
  Table,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useEffect, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { api, ok, type ApiError } from '../../api/client';
import type { PlanPage, Task, TaskPage } from '../../api/planning';
import { Forbidden } from '../../app/Forbidden';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { fmt, useI18n } from '../../i18n';
import { caught, fieldErrors } from '../../lib/errors';
import {
  EMPTY_RESULT_FORM,
  TASK_RESULTS,
  mayRecord,
  mergeMyTasks,
  resultBody,
  type ResultForm as Fields,
} from '../../lib/planning';
import { CaseTheme } from '../cases/parts';
import { TaskStateTag, useCaller, type Notice } from './parts';

type MyTask = Task & { planTitle: string };
type Load = { state: 'loading' } | { state: 'ok'; tasks: MyTask[] } | { state: 'error'; error: ApiError };

// 我的检查任务: the tasks of the teams the caller is on, across the staffed plans of their
// jurisdiction (the API answers per plan: tasks?mine=true), open ones first; a task's result is
// recorded here (the API takes it only from the task's team, once, dated between the draw and today).
export default function MyTasks() {
  const { m } = useI18n();
  const caller = useCaller();
  const t = m.planning.myTasks;
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [reload, setReload] = useState(0);
  const [recording, setRecording] = useState<MyTask | null>(null);
  const [done, setDone] = useState<Notice | null>(null);

  useEffect(() => {
    let live = true;
    (async () => {
      const plans = await ok<PlanPage>(
        api.GET('/api/v1/inspection-plans', { params: { query: { state: 'staffed', limit: 200 } } as never }),
      );
      const byPlan = await Promise.all(
        plans.items.map(async (plan) => ({
          plan,
          tasks: (
            await ok<TaskPage>(
              api.GET('/api/v1/inspection-plans/{id}/tasks', {
                params: { path: { id: plan.id }, query: { mine: 'true', limit: 500 } } as never,
              }),
            )
          ).items,
        })),
      );
      return mergeMyTasks(byPlan);
    })()
      .then((tasks) => live && setLoad({ state: 'ok', tasks }))
      .catch((e: unknown) => live && setLoad({ state: 'error', error: caught(e, m) }));
    return () => {
      live = false;
    };
  }, [reload]);

  if (load.state === 'error' && load.error.status === 403) return <Forbidden reason={load.error.message} />;
  const tasks = load.state === 'ok' ? load.tasks : [];
  const columns: ColumnsType<MyTask> = [
    {
      title: t.col.plan,
      key: 'plan',
      render: (_, x) => <Link to={`/inspection-plans/${x.planId}`}>{x.planTitle}</Link>,
    },
    { title: t.col.no, dataIndex: 'taskNo', align: 'right' },
    {
      title: t.col.entity,
      key: 'entity',
      render: (_, x) => (
        <Space orientation="vertical" size={0}>
          <span>{x.entity.name ?? x.entity.uscc ?? x.entity.id}</span>
          <Typography.Text type="secondary" className="lj-nowrap">
            {x.entity.uscc ?? ''}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t.col.items, key: 'items', render: (_, x) => x.items.join(m.planning.sep.list) },
    { title: t.col.state, key: 'state', render: (_, x) => <TaskStateTag state={x.state} /> },
    {
      title: t.col.result,
      key: 'result',
      render: (_, x) =>
        x.result ? (
          <Space orientation="vertical" size={0}>
            <span>{m.planning.result.results[x.result]}</span>
            <Typography.Text type="secondary">
              {x.inspectedOn}
              {x.publishDue ? ` · ${fmt(t.due, { due: x.publishDue })}` : ''}
            </Typography.Text>
          </Space>
        ) : null,
    },
    {
      title: t.col.actions,
      key: 'actions',
      render: (_, x) =>
        mayRecord(caller, x) ? (
          <Button
            size="small"
            type={recording?.id === x.id ? 'primary' : 'default'}
            aria-label={fmt(t.recordLabel, { no: x.taskNo })}
            onClick={() => {
              setDone(null);
              setRecording(x);
            }}
          >
            {t.record}
          </Button>
        ) : null,
    },
  ];

  return (
    <CaseTheme>
      <Card>
        <Typography.Title level={4} style={{ marginTop: 0 }}>
          {t.title}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t.intro}</Typography.Paragraph>
        <ApiErrorAlert error={load.state === 'error' ? load.error : null} />
        {done ? (
          <Alert type="success" showIcon role="status" title={done.say(m)} style={{ marginBottom: 16 }} />
        ) : null}
        {recording ? (
          <Card size="small" style={{ marginBottom: 16 }}>
            <ResultForm
              key={recording.id}
              task={recording}
              onCancel={() => setRecording(null)}
              onDone={(x) => {
                setRecording(null);
                setDone({
                  say: (y) => fmt(y.planning.result.done, { no: x.taskNo, due: x.publishDue ?? '—' }),
                });
                setReload((n) => n + 1);
              }}
            />
          </Card>
        ) : null}
        <div role="region" aria-label={t.tableLabel}>
          <Table<MyTask>
            size="small"
            rowKey="id"
            columns={columns}
            dataSource={tasks}
            loading={load.state === 'loading'}
            pagination={false}
            locale={{
              emptyText: (
                <Space orientation="vertical" size={0}>
                  <Typography.Text type="secondary">{t.empty}</Typography.Text>
                  <Typography.Text type="secondary">{t.notInspector}</Typography.Text>
                </Space>
              ),
            }}
          />
        </div>
      </Card>
    </CaseTheme>
  );
}

// 录入检查结果: the result, the day inspected, findings (one a line), the follow-up and violation
// counts. The API's 400 (a day before the draw or in the future), 403 (not on the team) and 409
// (recorded already) are shown here, next to the field they name where they name one; what was typed
// stays.
function ResultForm({ task, onDone, onCancel }: { task: MyTask; onDone(t: Task): void; onCancel(): void }) {
  const { m } = useI18n();
  const r = m.planning.result;
  const [form, setForm] = useState<Fields>(EMPTY_RESULT_FORM);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const errors = fieldErrors(error);
  const set = <K extends keyof Fields>(k: K, v: Fields[K]) => setForm((x) => ({ ...x, [k]: v }));
  const num = (v: number | string | null) => (typeof v === 'number' ? v : null);
  // The service's own refusals name inspectedOn in the message, not as a field detail.
  const dateError =
    errors.inspectedOn ?? (error && /inspectedOn/.test(error.message) ? error.message : undefined);

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const saved = await ok<Task>(
        api.POST('/api/v1/inspection-tasks/{taskId}/result', {
          params: { path: { taskId: task.id } },
          body: resultBody(form) as never,
        }),
      );
      onDone(saved);
    } catch (e) {
      setError(caught(e, m));
    } finally {
      setBusy(false);
    }
  };
  const title = fmt(r.title, { no: task.taskNo, entity: task.entity.name ?? task.entity.uscc ?? '' });
  const field = (
    key: string,
    label: string,
    child: ReactNode,
    opts: { required?: boolean; help?: string } = {},
  ) => (
    <Form.Item
      label={label}
      htmlFor={`result-${key}`}
      required={opts.required}
      validateStatus={(opts.help ?? errors[key]) ? 'error' : undefined}
      help={opts.help ?? errors[key]}
    >
      {child}
    </Form.Item>
  );
  return (
    <Form
      layout="vertical"
      style={{ maxWidth: 720 }}
      onFinish={() => void submit()}
      aria-label={title}
      data-testid="task-result-form"
    >
      <Typography.Title level={5} style={{ marginTop: 0 }}>
        {title}
      </Typography.Title>
      <ApiErrorAlert error={error} />
      <Row gutter={16}>
        <Col xs={24} md={14}>
          {field(
            'result',
            r.result,
            <Select
              id="result-result"
              value={form.result || undefined}
              placeholder={r.resultPlaceholder}
              onChange={(v) => set('result', v)}
              options={TASK_RESULTS.map((x) => ({ value: x, label: r.results[x] }))}
            />,
            { required: true },
          )}
        </Col>
        <Col xs={24} md={10}>
          {field(
            'inspectedOn',
            r.inspectedOn,
            <Input
              id="result-inspectedOn"
              value={form.inspectedOn}
              placeholder={m.planning.form.datePlaceholder}
              onChange={(e) => set('inspectedOn', e.target.value)}
            />,
            { required: true, help: dateError },
          )}
        </Col>
      </Row>
      {field(
        'findings',
        r.findings,
        <Input.TextArea
          id="result-findings"
          rows={3}
          value={form.findings}
          onChange={(e) => set('findings', e.target.value)}
        />,
      )}
      {field(
        'followUp',
        r.followUp,
        <Input
          id="result-followUp"
          value={form.followUp}
          onChange={(e) => set('followUp', e.target.value)}
        />,
      )}
      <fieldset className="lj-fieldset">
        <legend>{r.violations}</legend>
        <Row gutter={16}>
          {(['critical', 'serious', 'minor'] as const).map((k) => (
            <Col xs={8} key={k}>
              {field(
                `violations.${k}`,
                r[k],
                <InputNumber
                  id={`result-violations.${k}`}
                  style={{ width: '100%' }}
                  value={form[k]}
                  onChange={(v) => set(k, num(v))}
                />,
              )}
            </Col>
          ))}
        </Row>
      </fieldset>
      <Space>
        <Button type="primary" htmlType="submit" loading={busy}>
          {r.submit}
        </Button>
        <Button onClick={onCancel}>{r.cancel}</Button>
      </Space>
    </Form>
  );
}
