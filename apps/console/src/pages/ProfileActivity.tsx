import { Alert, Button, Card, Form, Input, Radio, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, ok, type ApiError } from '../api/client';
import type { CaseListItem, CaseListPage } from '../api/cases';
import type { EntityAlert, EntityAlertPage, Repair, RepairPage } from '../api/repairs';
import type { ProfileRecord } from '../api/types';
import { ApiErrorAlert } from '../components/ApiErrorAlert';
import { fmt, pick, useI18n } from '../i18n';
import { repairableRecords, repairFormToBody, REPAIR_TYPES, type RepairForm } from '../lib/credit-repair';
import { dateTime } from '../lib/dates';
import { caught, fieldErrors } from '../lib/errors';
import { useSession } from '../lib/session';
import { CaseStateTag, CaseTheme } from './cases/parts';
import { decisionLine, recordLine, RepairStatusTag, RepairTypeTag } from './repair/parts';

// How many of each the profile lists (the newest): the screens they link to page through the rest.
const LIMIT = 20;

type Load<T> = { state: 'loading' } | { state: 'error'; error: ApiError } | { state: 'ok'; data: T };

function useList<T>(enabled: boolean, fetch: () => Promise<T>, deps: unknown[]): Load<T> | null {
  const { m } = useI18n();
  const [load, setLoad] = useState<Load<T>>({ state: 'loading' });
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    // A reload (a request just filed) keeps the list shown until the new one arrives.
    setLoad((l) => (l.state === 'ok' ? l : { state: 'loading' }));
    fetch()
      .then((data) => live && setLoad({ state: 'ok', data }))
      .catch((e: unknown) => live && setLoad({ state: 'error', error: caught(e, m) }));
    return () => {
      live = false;
    };
  }, [enabled, ...deps]);
  return enabled ? load : null;
}

// 主体画像, its last part: the entity's alerts, its joint cases and its credit repair requests, each
// linking to its screen, and the form that files a credit repair request or an objection about one
// of its records. Each list shows what the caller's role may read (the API checks again).
export function ProfileActivity({ entityKey, records }: { entityKey: string; records: ProfileRecord[] }) {
  const { m } = useI18n();
  const { me } = useSession();
  const may = (p: string) => !!me?.permissions.includes(p);
  const p = m.repair.profile;
  const [repairsVersion, setRepairsVersion] = useState(0);

  const alerts = useList<EntityAlertPage>(
    may('alerts:read'),
    () =>
      ok<EntityAlertPage>(
        api.GET('/api/v1/alerts', {
          params: { query: { entity: entityKey, limit: LIMIT } as never },
        }) as never,
      ),
    [entityKey],
  );
  const cases = useList<CaseListPage>(
    may('cases:read'),
    () =>
      ok<CaseListPage>(api.GET('/api/v1/cases', { params: { query: { entity: entityKey, limit: LIMIT } } })),
    [entityKey],
  );
  const repairs = useList<RepairPage>(
    true,
    () =>
      ok<RepairPage>(
        api.GET('/api/v1/credit-repairs', { params: { query: { entity: entityKey, limit: 50 } } }),
      ),
    [entityKey, repairsVersion],
  );

  const count = (l: Load<{ items: unknown[]; nextCursor: string | null }> | null) =>
    l?.state === 'ok' ? `${l.data.items.length}${l.data.nextCursor ? '+' : ''}` : '…';

  return (
    <CaseTheme>
      <Card title={p.title} data-testid="profile-activity">
        <Tabs
          items={[
            {
              key: 'repairs',
              label: fmt(p.repairs, { count: count(repairs) }),
              children: (
                <Space orientation="vertical" size={16} style={{ width: '100%' }}>
                  <RepairsList load={repairs} />
                  {may('repair:file') && repairs?.state === 'ok' ? (
                    <FileRequest
                      records={records}
                      requests={repairs.data.items}
                      onFiled={() => setRepairsVersion((n) => n + 1)}
                    />
                  ) : null}
                </Space>
              ),
            },
            {
              key: 'alerts',
              label: fmt(p.alerts, { count: may('alerts:read') ? count(alerts) : '—' }),
              children: <AlertsList load={alerts} />,
            },
            {
              key: 'cases',
              label: fmt(p.cases, { count: may('cases:read') ? count(cases) : '—' }),
              children: <CasesList load={cases} />,
            },
          ]}
        />
      </Card>
    </CaseTheme>
  );
}

function Loaded<T extends { items: unknown[]; nextCursor: string | null }>(props: {
  load: Load<T> | null;
  children(data: T): React.ReactNode;
}) {
  const { m } = useI18n();
  const { load } = props;
  if (!load) return <Typography.Text type="secondary">{m.repair.profile.noAccess}</Typography.Text>;
  if (load.state === 'error') return <ApiErrorAlert error={load.error} />;
  if (load.state === 'loading') return <Table loading size="small" dataSource={[]} columns={[]} />;
  return (
    <>
      {props.children(load.data)}
      {load.data.nextCursor ? (
        <Typography.Text type="secondary">
          {fmt(m.repair.profile.more, { count: load.data.items.length })}
        </Typography.Text>
      ) : null}
    </>
  );
}

const SEVERITY_COLOR: Record<string, string> = {
  critical: '#a8071a',
  high: '#ad4e00',
  medium: '#0958d9',
  low: '#595959',
};

function AlertsList({ load }: { load: Load<EntityAlertPage> | null }) {
  const { m, locale } = useI18n();
  const p = m.repair.profile;
  const severities = m.home.alerts.severity as Record<string, string>;
  return (
    <Loaded load={load}>
      {(data) => (
        <>
          <div role="region" aria-label={p.alertsLabel}>
            <Table<EntityAlert>
              size="small"
              rowKey="id"
              pagination={false}
              dataSource={data.items}
              locale={{ emptyText: <Typography.Text type="secondary">{p.alertsEmpty}</Typography.Text> }}
              columns={[
                {
                  title: p.alertCol.createdAt,
                  key: 'at',
                  render: (_, a) => <span className="lj-nowrap">{dateTime(a.createdAt)}</span>,
                },
                {
                  title: p.alertCol.title,
                  key: 'title',
                  render: (_, a) => pick(a.title, locale) || a.ruleId,
                },
                {
                  title: p.alertCol.severity,
                  key: 'severity',
                  render: (_, a) => (
                    <Tag color={SEVERITY_COLOR[a.severity]}>{severities[a.severity] ?? a.severity}</Tag>
                  ),
                },
                {
                  title: p.alertCol.status,
                  key: 'status',
                  render: (_, a) => (p.alertStatus as Record<string, string>)[a.status] ?? a.status,
                },
              ]}
            />
          </div>
          <div style={{ marginTop: 8 }}>
            <Link to="/alerts">{p.alertsLink}</Link>
          </div>
        </>
      )}
    </Loaded>
  );
}

function CasesList({ load }: { load: Load<CaseListPage> | null }) {
  const { m } = useI18n();
  const p = m.repair.profile;
  return (
    <Loaded load={load}>
      {(data) => (
        <div role="region" aria-label={p.casesLabel}>
          <Table<CaseListItem>
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={data.items}
            locale={{ emptyText: <Typography.Text type="secondary">{p.casesEmpty}</Typography.Text> }}
            columns={[
              { title: p.caseCol.id, key: 'id', render: (_, c) => <Link to={`/cases/${c.id}`}>{c.id}</Link> },
              {
                title: p.caseCol.title,
                key: 'title',
                render: (_, c) => <Link to={`/cases/${c.id}`}>{c.title}</Link>,
              },
              { title: p.caseCol.state, key: 'state', render: (_, c) => <CaseStateTag state={c.state} /> },
              {
                title: p.caseCol.createdAt,
                key: 'openedAt',
                render: (_, c) => <span className="lj-nowrap">{dateTime(c.openedAt)}</span>,
              },
            ]}
          />
        </div>
      )}
    </Loaded>
  );
}

function RepairsList({ load }: { load: Load<RepairPage> | null }) {
  const { m } = useI18n();
  const p = m.repair.profile;
  return (
    <Loaded load={load}>
      {(data) => (
        <div role="region" aria-label={p.repairsLabel}>
          <Table<Repair>
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={data.items}
            locale={{ emptyText: <Typography.Text type="secondary">{p.repairsEmpty}</Typography.Text> }}
            columns={[
              {
                title: p.repairCol.id,
                key: 'id',
                render: (_, x) => <Link to={`/credit-repair/${x.id}`}>{x.id}</Link>,
              },
              { title: p.repairCol.record, key: 'record', render: (_, x) => recordLine(x.record, m) },
              { title: p.repairCol.type, key: 'type', render: (_, x) => <RepairTypeTag type={x.type} /> },
              {
                title: p.repairCol.status,
                key: 'status',
                render: (_, x) => <RepairStatusTag status={x.status} />,
              },
              {
                title: p.repairCol.decision,
                key: 'decision',
                render: (_, x) => (
                  <Space orientation="vertical" size={0}>
                    <span>{decisionLine(x, m) ?? ''}</span>
                    {x.record.countsUntil ? (
                      <Typography.Text type="secondary">
                        {fmt(m.repair.effectiveFrom, { date: x.record.countsUntil })}
                      </Typography.Text>
                    ) : null}
                  </Space>
                ),
              },
            ]}
          />
        </div>
      )}
    </Loaded>
  );
}

// Filing: the record (of those that may stop counting), repair or objection, the reason and the
// evidence. The API's validation reasons stand next to the fields; what was typed stays.
function FileRequest(props: { records: ProfileRecord[]; requests: Repair[]; onFiled(): void }) {
  const { m } = useI18n();
  const p = m.repair.profile;
  const [form, setForm] = useState<RepairForm>({ type: 'repair' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [filed, setFiled] = useState<string | null>(null);
  const choices = repairableRecords(props.records, props.requests);
  const labels = m.recordKinds as Record<string, string>;

  const submit = async () => {
    setBusy(true);
    setError(null);
    setFiled(null);
    try {
      const made = await ok<Repair>(
        api.POST('/api/v1/credit-repairs', { body: repairFormToBody(form) as never }) as never,
      );
      setFiled(fmt(p.filed, { id: made.id, department: made.record.departmentCode }));
      setForm({ type: form.type });
      props.onFiled();
    } catch (e) {
      setError(caught(e, m));
    } finally {
      setBusy(false);
    }
  };
  const errors = fieldErrors(error);
  const item = (field: keyof RepairForm) => ({
    validateStatus: errors[field] ? ('error' as const) : undefined,
    help: errors[field],
  });

  return (
    <Card size="small" title={p.fileTitle} data-testid="repair-file-form">
      {filed ? (
        <Alert type="success" showIcon role="status" title={filed} style={{ marginBottom: 16 }} />
      ) : null}
      {choices.length === 0 ? (
        <Typography.Text type="secondary">{p.fileNone}</Typography.Text>
      ) : (
        <Form layout="vertical" style={{ maxWidth: 720 }} onFinish={() => void submit()}>
          <ApiErrorAlert error={error} />
          <Form.Item label={p.fileRecord} htmlFor="repair-record" required {...item('recordId')}>
            <Select
              id="repair-record"
              value={form.recordId}
              placeholder={p.fileRecordPlaceholder}
              onChange={(recordId) => setForm({ ...form, recordId })}
              options={choices.map((r) => ({
                value: r.id,
                label: fmt(p.option, {
                  kind: labels[r.kind] ?? r.kind,
                  date: r.occurredAt ?? '',
                  department: r.departmentCode ?? '',
                  source: r.sourceRecordId ?? r.source,
                }),
              }))}
            />
          </Form.Item>
          <Form.Item label={p.fileType} required {...item('type')}>
            <Radio.Group
              aria-label={p.fileType}
              value={form.type}
              onChange={(e) => setForm({ ...form, type: e.target.value as RepairForm['type'] })}
              options={REPAIR_TYPES.map((t) => ({ value: t, label: p.fileTypeHint[t] }))}
            />
          </Form.Item>
          <Form.Item label={p.fileReason} htmlFor="repair-file-reason" required {...item('reason')}>
            <Input.TextArea
              id="repair-file-reason"
              rows={3}
              value={form.reason}
              placeholder={p.fileReasonPlaceholder}
              onChange={(e) => setForm({ ...form, reason: e.target.value })}
            />
          </Form.Item>
          <Form.Item label={p.fileEvidence} htmlFor="repair-file-evidence" {...item('evidence')}>
            <Input.TextArea
              id="repair-file-evidence"
              rows={2}
              value={form.evidence}
              placeholder={p.fileEvidencePlaceholder}
              onChange={(e) => setForm({ ...form, evidence: e.target.value })}
            />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy}>
            {p.fileSubmit}
          </Button>
        </Form>
      )}
    </Card>
  );
}
