import { Alert, Button, Card, Descriptions, Result, Space, Spin, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, ok, type ApiError } from '../../api/client';
import type { Repair } from '../../api/repairs';
import { Forbidden } from '../../app/Forbidden';
import { fmt, useI18n } from '../../i18n';
import { repairActions } from '../../lib/credit-repair';
import { dateTime } from '../../lib/dates';
import { caught, describeError } from '../../lib/errors';
import { useSession } from '../../lib/session';
import { CaseTheme } from '../cases/parts';
import { DecisionForm, recordLine, RepairStatusTag, RepairTypeTag, type RepairAction } from './parts';

type Load = { state: 'loading' } | { state: 'error'; error: ApiError } | { state: 'ok'; repair: Repair };

// One credit repair request (opened from the list or the entity's profile): the record it is about,
// who filed it and why, its decision; approve, reject or withdraw it where the caller may.
export default function RepairDetail() {
  const { id = '' } = useParams();
  const { m } = useI18n();
  const { me } = useSession();
  const caller = useMemo(
    () => ({
      username: me?.username,
      departmentCode: me?.departmentCode ?? null,
      permissions: me?.permissions ?? [],
    }),
    [me],
  );
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [acting, setActing] = useState<RepairAction | null>(null);
  const [done, setDone] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setLoad({ state: 'loading' });
    ok<Repair>(api.GET('/api/v1/credit-repairs/{id}', { params: { path: { id } } }))
      .then((repair) => live && setLoad({ state: 'ok', repair }))
      .catch((e: unknown) => live && setLoad({ state: 'error', error: caught(e, m) }));
    return () => {
      live = false;
    };
  }, [id]);

  const r = m.repair;
  const d = r.detail;
  if (load.state === 'loading') return <Spin description={m.app.loading} />;
  if (load.state === 'error') {
    if (load.error.status === 403) return <Forbidden reason={load.error.message} />;
    const shown = describeError(load.error, m);
    return (
      <Result
        status={load.error.status === 404 ? '404' : 'error'}
        title={load.error.status === 404 ? shown.title : d.loadFailed}
        subTitle={shown.detail}
        extra={
          <Link to="/credit-repair">
            <Button>{d.back}</Button>
          </Link>
        }
      />
    );
  }
  const x = load.repair;
  const may = repairActions(caller, x);
  const none = m.profile.none;
  return (
    <CaseTheme>
      <Card>
        <Space style={{ marginBottom: 8 }}>
          <Link to="/credit-repair">{d.back}</Link>
        </Space>
        <Typography.Title level={4}>{fmt(d.title, { id: x.id })}</Typography.Title>
        {done ? (
          <Alert type="success" showIcon role="status" title={done} style={{ marginBottom: 16 }} />
        ) : null}
        <Descriptions size="small" bordered column={{ xs: 1, lg: 2 }}>
          <Descriptions.Item label={d.entity}>
            <Link to={`/entities/${encodeURIComponent(x.entity.key)}`} data-testid="repair-entity">
              {x.entity.name ?? x.entity.key}
            </Link>{' '}
            <Typography.Text type="secondary" className="lj-nowrap">
              {x.entity.key}
            </Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={d.record}>
            {recordLine(x.record, m)}
            <br />
            <Typography.Text type="secondary">
              {fmt(r.recordSource, { source: x.record.source, id: x.record.sourceRecordId })}
            </Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={d.type}>
            <RepairTypeTag type={x.type} />
          </Descriptions.Item>
          <Descriptions.Item label={d.status}>
            <RepairStatusTag status={x.status} />
          </Descriptions.Item>
          <Descriptions.Item label={d.reason}>{x.reason}</Descriptions.Item>
          <Descriptions.Item label={d.evidence}>{x.evidence ?? none}</Descriptions.Item>
          <Descriptions.Item label={d.filedBy}>{x.filedBy}</Descriptions.Item>
          <Descriptions.Item label={d.filedAt}>{dateTime(x.filedAt)}</Descriptions.Item>
          <Descriptions.Item label={d.decidedBy}>{x.decidedBy ?? none}</Descriptions.Item>
          <Descriptions.Item label={d.decidedAt}>
            {x.decidedAt ? dateTime(x.decidedAt) : none}
          </Descriptions.Item>
          <Descriptions.Item label={d.decisionReason}>{x.decisionReason ?? none}</Descriptions.Item>
          <Descriptions.Item label={d.countsUntil}>{x.record.countsUntil ?? none}</Descriptions.Item>
        </Descriptions>
        {may.decide || may.withdraw ? (
          <Space wrap style={{ marginTop: 16 }}>
            {(
              [
                ...(may.decide ? (['approve', 'reject'] as const) : []),
                ...(may.withdraw ? (['withdraw'] as const) : []),
              ] as RepairAction[]
            ).map((a) => (
              <Button
                key={a}
                type={acting === a ? 'primary' : 'default'}
                onClick={() => {
                  setDone(null);
                  setActing(a);
                }}
              >
                {r[a]}
              </Button>
            ))}
          </Space>
        ) : null}
        {acting ? (
          <Card size="small" style={{ marginTop: 16 }}>
            <DecisionForm
              key={acting}
              repair={x}
              action={acting}
              caller={caller}
              onCancel={() => setActing(null)}
              onDone={(u) => {
                setActing(null);
                setDone(
                  fmt(r.done[u.status as 'approved' | 'rejected' | 'withdrawn'] ?? r.done.approved, {
                    id: u.id,
                  }),
                );
                setLoad({ state: 'ok', repair: u });
              }}
            />
          </Card>
        ) : null}
      </Card>
    </CaseTheme>
  );
}
