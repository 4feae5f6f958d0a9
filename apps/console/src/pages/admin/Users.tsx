import {
  Alert,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, ok, type ApiError } from '../../api/client';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { fmt, pick, useI18n } from '../../i18n';
import {
  grantableRoles,
  isAdministrator,
  totpActions,
  userActions,
  userFormToBody,
  type UserForm,
} from '../../lib/admin-forms';
import { dateTime } from '../../lib/dates';
import { caught, fieldErrors } from '../../lib/errors';
import { useSession } from '../../lib/session';
import { ShownOnce, withStatus } from './parts';
import type { Account, AdminRequest, Department, EnrolmentCodeIssued, User, UserList } from './types';
import { TAG } from './colors';

const FIELDS = ['username', 'password', 'displayName', 'role', 'departmentCode', 'regionCode'] as const;

// Users of the security administrator's jurisdiction: created with a role, department and region (an
// administrator is a request a second security administrator confirms: the API's answer is shown),
// disabled and enabled. Their second factor (动态口令): a one-time enrolment code (一次性绑定码) is
// issued and shown once, to hand over apart from the password; a reset (lost authenticator) is done at
// once for a user, and for an administrator is a request a second security administrator confirms.
// The API's refusals are shown (in the form, which keeps what was typed; above the list for actions).
export function UsersTab() {
  const { m, locale } = useI18n();
  const u = m.admin.users;
  const { me } = useSession();
  const [users, setUsers] = useState<User[] | null>(null);
  const [departments, setDepartments] = useState<Department[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState<{ type: 'success' | 'info'; text: string } | null>(null);
  const [reload, setReload] = useState(0);
  const [creating, setCreating] = useState(false);
  const [issued, setIssued] = useState<EnrolmentCodeIssued | null>(null);
  const [, setSearch] = useSearchParams();

  useEffect(() => {
    let live = true;
    ok<UserList>(api.GET('/api/v1/users'))
      .then((l) => live && setUsers(l.items))
      .catch((e: unknown) => live && setError(caught(e, m)));
    return () => {
      live = false;
    };
  }, [reload]);
  useEffect(() => {
    ok<{ items: Department[] }>(api.GET('/api/v1/departments') as never)
      .then((l) => setDepartments(l.items))
      .catch(() => setDepartments([]));
  }, []);

  const pendingText = (r: AdminRequest) =>
    `${fmt(u.pending, { name: r.account.username, role: m.admin.roles[r.account.role] })} ${r.message ?? ''}`.trim();

  const act = async (row: User, action: 'disable' | 'enable') => {
    setError(null);
    setNotice(null);
    try {
      const path = action === 'disable' ? '/api/v1/users/{id}/disable' : '/api/v1/users/{id}/enable';
      const r = await withStatus<Account | AdminRequest>(
        api.POST(path, { params: { path: { id: row.id } } }),
      );
      if (r.status === 202) setNotice({ type: 'info', text: pendingText(r.data as AdminRequest) });
      else setNotice({ type: 'success', text: fmt(u.done, { action: u[action], name: row.username }) });
      setReload((n) => n + 1);
    } catch (e) {
      setError(caught(e, m));
    }
  };

  const issueCode = async (row: User) => {
    setError(null);
    setNotice(null);
    try {
      setIssued(
        await ok<EnrolmentCodeIssued>(
          api.POST('/api/v1/users/{id}/totp/enrolment-code', { params: { path: { id: row.id } } }) as never,
        ),
      );
    } catch (e) {
      setError(caught(e, m));
    }
  };

  const resetTotp = async (row: User) => {
    setError(null);
    setNotice(null);
    try {
      const r = await withStatus<Account | AdminRequest>(
        api.POST('/api/v1/users/{id}/totp/reset', { params: { path: { id: row.id } } }) as never,
      );
      if (r.status === 202) {
        const q = r.data as AdminRequest;
        const text = fmt(u.resetPending, { name: row.username, role: m.admin.roles[q.account.role] });
        setNotice({ type: 'info', text: `${text} ${q.message ?? ''}`.trim() });
      } else setNotice({ type: 'success', text: fmt(u.resetDone, { name: row.username }) });
    } catch (e) {
      setError(caught(e, m));
    }
  };

  const columns: ColumnsType<User> = [
    {
      title: u.username,
      dataIndex: 'username',
      render: (v: string) => <span className="lj-nowrap">{v}</span>,
    },
    { title: u.displayName, dataIndex: 'displayName', render: (v: string | null) => v ?? m.admin.none },
    { title: u.role, key: 'role', render: (_, r) => pick(r.roleLabel, locale) },
    {
      title: u.department,
      dataIndex: 'departmentCode',
      render: (v: string | null) => <span className="lj-nowrap">{v ?? m.admin.none}</span>,
    },
    { title: u.region, dataIndex: 'regionCode', render: (v: string | null) => v ?? m.admin.national },
    {
      title: u.state,
      key: 'state',
      render: (_, r) =>
        r.disabledAt ? <Tag color={TAG.bad}>{u.disabled}</Tag> : <Tag color={TAG.ok}>{u.active}</Tag>,
    },
    // Who created the account and when, in one column (the table fits the screen with the actions).
    {
      title: `${u.createdBy} / ${u.createdAt}`,
      key: 'created',
      render: (_, r) => (
        <Space orientation="vertical" size={0}>
          <span className="lj-nowrap">{r.createdBy ?? m.admin.none}</span>
          <Typography.Text type="secondary" className="lj-nowrap">
            {dateTime(r.createdAt)}
          </Typography.Text>
        </Space>
      ),
    },
    {
      title: u.actions,
      key: 'actions',
      render: (_, r) => {
        const caller = { username: me?.username, role: me?.role, regionCode: me?.regionCode ?? null };
        const can = userActions(caller, r);
        const totp = totpActions(caller, r);
        const action = can.disable ? 'disable' : can.enable ? 'enable' : null;
        if (!action && !totp.issueCode && !totp.reset) return m.admin.none;
        return (
          <Space size={8} className="lj-nowrap">
            {action ? (
              <Popconfirm
                title={fmt(action === 'disable' ? u.confirmDisable : u.confirmEnable, { name: r.username })}
                description={can.asRequest ? u.adminNote : undefined}
                onConfirm={() => act(r, action)}
              >
                <Button size="small" danger={action === 'disable'}>
                  {u[action]}
                </Button>
              </Popconfirm>
            ) : null}
            {totp.issueCode ? (
              <Popconfirm
                title={fmt(u.confirmIssue, { name: r.username })}
                description={u.issueNote}
                onConfirm={() => issueCode(r)}
              >
                <Button size="small">{u.issueCode}</Button>
              </Popconfirm>
            ) : null}
            {totp.reset ? (
              <Popconfirm
                title={fmt(u.confirmReset, { name: r.username })}
                description={totp.asRequest ? u.resetAdminNote : undefined}
                onConfirm={() => resetTotp(r)}
              >
                <Button size="small">{u.resetTotp}</Button>
              </Popconfirm>
            ) : null}
          </Space>
        );
      },
    },
  ];

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Alert type="info" showIcon title={u.adminNote} />
      {notice ? (
        <Alert
          type={notice.type}
          showIcon
          role="status"
          title={notice.text}
          closable
          onClose={() => setNotice(null)}
          action={
            notice.type === 'info' ? (
              <Button size="small" onClick={() => setSearch(new URLSearchParams({ tab: 'requests' }))}>
                {u.showRequests}
              </Button>
            ) : undefined
          }
        />
      ) : null}
      <ApiErrorAlert error={error} style={{ marginBottom: 0 }} />
      <Card
        title={u.listLabel}
        extra={
          <Button type="primary" onClick={() => setCreating(true)}>
            {u.create}
          </Button>
        }
      >
        <Table<User>
          aria-label={u.listLabel}
          rowKey="id"
          size="middle"
          loading={users === null && !error}
          dataSource={users ?? []}
          columns={columns}
          locale={{ emptyText: u.empty }}
          pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
          scroll={{ x: 'max-content' }}
        />
      </Card>
      <ShownOnce
        secret={issued?.code ?? null}
        title={fmt(u.codeTitle, { name: issued?.username ?? '' })}
        warning={fmt(u.codeWarning, { name: issued?.username ?? '' })}
        copy={u.copy}
        copied={u.copied}
        close={u.close}
        extra={
          issued ? (
            <Typography.Paragraph style={{ margin: 0 }}>
              {fmt(u.codeExpires, { at: dateTime(issued.expiresAt) })}{' '}
              {fmt(u.codeUse, { name: issued.username })}
            </Typography.Paragraph>
          ) : undefined
        }
        onClose={() => setIssued(null)}
      />
      <CreateUser
        open={creating}
        departments={departments}
        onClose={() => setCreating(false)}
        onDone={(status, body) => {
          setCreating(false);
          setError(null);
          setNotice(
            status === 202
              ? { type: 'info', text: pendingText(body as AdminRequest) }
              : { type: 'success', text: fmt(u.created, { name: (body as Account).username }) },
          );
          setReload((n) => n + 1);
        }}
      />
    </Space>
  );
}

function CreateUser(props: {
  open: boolean;
  departments: Department[];
  onClose: () => void;
  onDone: (status: number, body: Account | AdminRequest) => void;
}) {
  const { m, locale } = useI18n();
  const u = m.admin.users;
  const { me } = useSession();
  const [form] = Form.useForm<UserForm>();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const role = Form.useWatch('role', form);

  const submit = async (values: UserForm) => {
    setBusy(true);
    setError(null);
    try {
      const r = await withStatus<Account | AdminRequest>(
        api.POST('/api/v1/users', { body: userFormToBody(values) }),
      );
      form.resetFields();
      props.onDone(r.status, r.data);
    } catch (e) {
      const err = caught(e, m);
      setError(err);
      const byField = fieldErrors(err);
      form.setFields(FIELDS.map((name) => ({ name, errors: byField[name] ? [byField[name]] : [] })));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={props.open}
      title={u.createTitle}
      onCancel={props.onClose}
      maskClosable={false}
      width={640}
      footer={
        <Space>
          <Button onClick={props.onClose}>{u.cancel}</Button>
          <Button type="primary" loading={busy} onClick={() => form.submit()}>
            {u.submit}
          </Button>
        </Space>
      }
    >
      <ApiErrorAlert error={error} />
      <Form<UserForm>
        form={form}
        name="user"
        layout="vertical"
        onFinish={submit}
        initialValues={{ regionCode: me?.regionCode ?? undefined }}
        requiredMark
      >
        <Form.Item name="username" label={u.username} required>
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item name="displayName" label={u.displayName}>
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item name="password" label={u.password} extra={u.passwordHint} required>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="role"
          label={u.role}
          required
          extra={role && isAdministrator(role) ? u.adminNote : undefined}
        >
          <Select options={grantableRoles(me?.role).map((r) => ({ value: r, label: m.admin.roles[r] }))} />
        </Form.Item>
        <Form.Item name="departmentCode" label={u.department} extra={u.departmentHint}>
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            options={props.departments.map((d) => ({
              value: d.code,
              label: `${locale === 'zh-CN' ? d.name : (d.nameEn ?? d.name)} · ${d.code}`,
            }))}
          />
        </Form.Item>
        <Form.Item name="regionCode" label={u.region} extra={u.regionHint} required>
          <Input autoComplete="off" className="lj-nowrap" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
