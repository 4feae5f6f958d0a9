import { AutoComplete, Alert, Button, Card, Col, Form, Input, Row, Select, Space, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { api, ok, type ApiError } from '../../api/client';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { fmt, pick, useI18n } from '../../i18n';
import { caught, fieldErrors } from '../../lib/errors';
import {
  EMPTY_FORM,
  fieldsForTrigger,
  formErrors,
  fromDefinition,
  operatorsOf,
  routeOf,
  toDefinition,
  TRIGGER_TYPES,
  valueInput,
  valuesOf,
  withField,
  type ConditionRow,
  type RuleFieldInfo,
  type RuleForm,
} from '../../lib/rule-form';
import type { RuleFields, RuleVersion } from './types';

export type EditorMode =
  | { kind: 'create' }
  | { kind: 'edit'; id: string; version: number; definition: unknown }
  | { kind: 'propose'; id: string; from: number; definition: unknown };

// 规则草稿编辑器: guided by GET /api/v1/rules/fields (the fields a trigger may name, the operators
// each field takes, its fixed values and format), routing shown from the joint-action matrix. The
// API validates the rule; its reasons appear next to the inputs they are about, and nothing typed is
// lost on a refusal.
export function RuleEditor({
  mode,
  catalogue,
  onSaved,
}: {
  mode: EditorMode;
  catalogue: RuleFields;
  onSaved: (v: RuleVersion) => void;
}) {
  const { m, locale } = useI18n();
  const e = m.rules.editor;
  const fields = catalogue.items as RuleFieldInfo[];
  const byName = useMemo(() => new Map(fields.map((f) => [f.name, f])), [fields]);
  const start = useMemo(
    () =>
      mode.kind === 'create' ? { form: EMPTY_FORM, editable: true } : fromDefinition(mode.definition, fields),
    [mode, fields],
  );
  const [form] = Form.useForm<RuleForm>();
  const [error, setError] = useState<ApiError | null>(null);
  const [errs, setErrs] = useState<Record<string, string>>({});
  const [other, setOther] = useState<string[]>([]);
  const [saving, setSaving] = useState(false);

  const triggerType = Form.useWatch('triggerType', form) ?? start.form.triggerType;
  const kinds = Form.useWatch('kinds', form) ?? start.form.kinds;
  const findingType = Form.useWatch('findingType', form) ?? start.form.findingType;
  const offered = useMemo(
    () => fieldsForTrigger(fields, triggerType, kinds ?? []),
    [fields, triggerType, kinds],
  );
  const route = routeOf(findingType, catalogue.findings, catalogue.defaultRoute);

  const label = (v: string, labels?: Record<string, { zh: string; en: string }> | null) =>
    labels?.[v] ? `${pick(labels[v], locale)}（${v}）` : v;
  const vocabulary = (name: string) => {
    const f = byName.get(name);
    return valuesOf(fields, name).map((v) => ({ value: v, label: label(v, f?.valueLabels) }));
  };
  const at = (name: string) => ({
    validateStatus: errs[name] ? ('error' as const) : undefined,
    help: errs[name],
  });

  const title =
    mode.kind === 'create'
      ? e.newTitle
      : mode.kind === 'edit'
        ? fmt(e.editTitle, { version: mode.version })
        : fmt(e.proposeTitle, { version: mode.from });

  async function save() {
    const values = { ...start.form, ...form.getFieldsValue(true) } as RuleForm;
    const definition = toDefinition(values, fields);
    setSaving(true);
    try {
      const saved =
        mode.kind === 'create'
          ? await ok(api.POST('/api/v1/rules', { body: { definition } }))
          : mode.kind === 'edit'
            ? await ok(
                api.PUT('/api/v1/rules/{id}/versions/{version}', {
                  params: { path: { id: mode.id, version: String(mode.version) } },
                  body: { definition: { ...definition, id: mode.id } },
                }),
              )
            : await ok(
                api.POST('/api/v1/rules/{id}/versions', {
                  params: { path: { id: mode.id } },
                  body: { definition: { ...definition, id: mode.id } },
                }),
              );
      setError(null);
      setErrs({});
      setOther([]);
      onSaved(saved as RuleVersion);
    } catch (x) {
      const refusal = caught(x, m);
      const mapped = formErrors(fieldErrors(refusal), values);
      setError(refusal);
      setErrs(mapped.fields);
      setOther(mapped.other);
    } finally {
      setSaving(false);
    }
  }

  return (
    <Card title={title}>
      {!start.editable ? (
        <Alert type="warning" showIcon title={e.unsupported} style={{ marginBottom: 16 }} />
      ) : null}
      {error ? (
        <div data-testid="editor-refusal">
          <Alert type="error" showIcon role="alert" title={e.refused} style={{ marginBottom: 8 }} />
          {Object.keys(errs).length === 0 || other.length ? <ApiErrorAlert error={error} /> : null}
        </div>
      ) : null}
      <Form<RuleForm>
        form={form}
        layout="vertical"
        initialValues={start.form}
        onFinish={() => void save()}
        disabled={!start.editable}
        requiredMark={false}
      >
        <Typography.Title level={4}>{e.basics}</Typography.Title>
        <Row gutter={16}>
          <Col xs={24} md={8}>
            <Form.Item
              name="id"
              label={e.id}
              extra={mode.kind === 'create' ? e.idHint : undefined}
              {...at('id')}
            >
              <Input disabled={mode.kind !== 'create'} autoComplete="off" />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="nameZh" label={e.nameZh} {...at('nameZh')}>
              <Input autoComplete="off" />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="nameEn" label={e.nameEn} {...at('nameEn')}>
              <Input autoComplete="off" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="descriptionZh" label={e.descriptionZh} {...at('descriptionZh')}>
              <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="descriptionEn" label={e.descriptionEn} {...at('descriptionEn')}>
              <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} />
            </Form.Item>
          </Col>
        </Row>

        <Typography.Title level={4}>{e.triggerTitle}</Typography.Title>
        <Row gutter={16}>
          <Col xs={24} md={8}>
            <Form.Item name="triggerType" label={e.triggerType} {...at('triggerType')}>
              <Select options={TRIGGER_TYPES.map((t) => ({ value: t, label: m.rules.triggers[t] }))} />
            </Form.Item>
          </Col>
          <Col xs={24} md={16}>
            {triggerType === 'record' ? (
              <Form.Item name="kinds" label={e.kinds} {...at('kinds')}>
                <Select mode="multiple" options={vocabulary('record.kind')} />
              </Form.Item>
            ) : triggerType === 'class_change' ? (
              <Form.Item name="toClasses" label={e.toClasses} {...at('toClasses')}>
                <Select mode="multiple" options={vocabulary('score.riskClass')} />
              </Form.Item>
            ) : triggerType === 'score_crosses' ? (
              <Space>
                <Form.Item name="above" label={e.above} {...at('above')}>
                  <Input inputMode="decimal" />
                </Form.Item>
                <Form.Item name="below" label={e.below} {...at('below')}>
                  <Input inputMode="decimal" />
                </Form.Item>
              </Space>
            ) : triggerType === 'feed_health' ? (
              <Form.Item name="statuses" label={e.statuses} {...at('statuses')}>
                <Select mode="multiple" options={vocabulary('feed.status')} />
              </Form.Item>
            ) : null}
          </Col>
        </Row>

        <Typography.Title level={4}>{e.conditionTitle}</Typography.Title>
        <Form.Item name="match" label={e.match}>
          <Select
            style={{ maxWidth: 320 }}
            options={[
              { value: 'all', label: e.matchAll },
              { value: 'any', label: e.matchAny },
            ]}
          />
        </Form.Item>
        <Form.List name="conditions">
          {(rows, { add, remove }) => (
            <>
              {rows.map((row, i) => (
                <ConditionItem
                  key={row.key}
                  index={i}
                  offered={offered}
                  byName={byName}
                  errs={errs}
                  onRemove={() => remove(row.name)}
                />
              ))}
              <Button onClick={() => add({})}>{e.addCondition}</Button>
              <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
                {e.noCondition}
              </Typography.Paragraph>
            </>
          )}
        </Form.List>

        <Typography.Title level={4}>{e.findingTitle}</Typography.Title>
        <Row gutter={16}>
          <Col xs={24} md={6}>
            <Form.Item name="severity" label={e.severity} {...at('severity')}>
              <Select
                options={(['low', 'medium', 'high', 'critical'] as const).map((s) => ({
                  value: s,
                  label: m.rules.severities[s],
                }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={6}>
            <Form.Item
              name="findingType"
              label={e.findingType}
              extra={e.findingTypeHint}
              {...at('findingType')}
            >
              <AutoComplete
                options={catalogue.findings.map((f) => ({ value: f.type }))}
                filterOption={(input, option) => String(option?.value ?? '').includes(input.trim())}
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={6}>
            <Form.Item name="findingLabelZh" label={e.findingLabelZh} {...at('findingLabelZh')}>
              <Input autoComplete="off" />
            </Form.Item>
          </Col>
          <Col xs={24} md={6}>
            <Form.Item name="findingLabelEn" label={e.findingLabelEn} {...at('findingLabelEn')}>
              <Input autoComplete="off" />
            </Form.Item>
          </Col>
        </Row>
        <Alert
          type="info"
          data-testid="routing"
          title={e.routingTitle}
          style={{ marginBottom: 16 }}
          description={
            <>
              <div>{route.listed ? e.routingListed : e.routingDefault}</div>
              <div>
                {[
                  ...(route.industry ? [e.routingIndustry] : []),
                  ...route.domains.map((d) => (m.rules.domains as Record<string, string>)[d] ?? d),
                ].join(locale === 'zh-CN' ? '、' : ', ')}
              </div>
              <div>
                {fmt(e.routingLevels, {
                  levels: route.levels
                    .map((l) => (m.rules.levels as Record<string, string>)[l] ?? l)
                    .join(locale === 'zh-CN' ? '、' : ', '),
                })}
              </div>
              {route.memorandum ? (
                <div>{fmt(e.routingMemorandum, { memo: pick(route.memorandum, locale) })}</div>
              ) : null}
            </>
          }
        />
        <Typography.Text strong>{e.legalBasis}</Typography.Text>
        <Form.List name="legalBasis">
          {(rows, { add, remove }) => (
            <>
              {rows.map((row, i) => (
                <Row gutter={16} key={row.key} align="bottom">
                  <Col xs={24} md={10}>
                    <Form.Item
                      name={[row.name, 'zh']}
                      label={fmt(e.legalZh, { n: i + 1 })}
                      {...at(`legalBasis.${i}.zh`)}
                    >
                      <Input autoComplete="off" />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={10}>
                    <Form.Item
                      name={[row.name, 'en']}
                      label={fmt(e.legalEn, { n: i + 1 })}
                      {...at(`legalBasis.${i}.en`)}
                    >
                      <Input autoComplete="off" />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={4}>
                    <Form.Item>
                      <Button onClick={() => remove(row.name)} disabled={rows.length === 1}>
                        {fmt(e.removeLegal, { n: i + 1 })}
                      </Button>
                    </Form.Item>
                  </Col>
                </Row>
              ))}
              <Button onClick={() => add({})} style={{ marginBottom: 16 }}>
                {e.addLegal}
              </Button>
            </>
          )}
        </Form.List>
        <Row gutter={16}>
          <Col xs={24} md={8}>
            <Form.Item
              name="cooldownDays"
              label={e.cooldownDays}
              extra={e.cooldownHint}
              {...at('cooldownDays')}
            >
              <Input inputMode="numeric" />
            </Form.Item>
          </Col>
        </Row>
        <Button type="primary" htmlType="submit" loading={saving}>
          {e.save}
        </Button>
      </Form>
    </Card>
  );
}

// One condition: field (those the trigger may name), operator (those the field takes), value (typed
// by the field: its fixed values, yes/no, a number, a date, a text or a list).
function ConditionItem({
  index,
  offered,
  byName,
  errs,
  onRemove,
}: {
  index: number;
  offered: RuleFieldInfo[];
  byName: ReadonlyMap<string, RuleFieldInfo>;
  errs: Record<string, string>;
  onRemove: () => void;
}) {
  const { m, locale } = useI18n();
  const e = m.rules.editor;
  const form = Form.useFormInstance<RuleForm>();
  const row = (Form.useWatch(['conditions', index], form) ?? {}) as ConditionRow;
  const field = row.field ? byName.get(row.field) : undefined;
  const input = valueInput(field, row.op);
  const n = index + 1;
  const at = (part: 'field' | 'op' | 'value') => {
    const reason = errs[`conditions.${index}.${part}`];
    return { validateStatus: reason ? ('error' as const) : undefined, help: reason };
  };
  const ops = operatorsOf(field).map((op) => ({
    value: op,
    label: (m.rules.operators as Record<string, string>)[op] ?? op,
  }));
  const choices = (field?.values ?? []).map((v) => ({
    value: v,
    label: field?.valueLabels?.[v] ? `${pick(field.valueLabels[v], locale)}（${v}）` : v,
  }));
  const hint = input === 'list' ? e.listHint : input === 'date' ? 'YYYY-MM-DD' : (field?.hint ?? undefined);

  return (
    <Row gutter={16} align="top" data-testid={`condition-${n}`}>
      <Col xs={24} md={8}>
        <Form.Item name={[index, 'field']} label={fmt(e.fieldN, { n })} {...at('field')}>
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            options={offered.map((f) => ({ value: f.name, label: `${pick(f.label, locale)} · ${f.name}` }))}
            onChange={(name: string) =>
              form.setFieldValue(['conditions', index], withField(row, byName.get(name), field))
            }
          />
        </Form.Item>
      </Col>
      <Col xs={24} md={5}>
        <Form.Item name={[index, 'op']} label={fmt(e.operatorN, { n })} {...at('op')}>
          <Select options={ops} />
        </Form.Item>
      </Col>
      <Col xs={24} md={6}>
        {input === 'none' ? null : (
          <Form.Item name={[index, 'value']} label={fmt(e.valueN, { n })} extra={hint} {...at('value')}>
            {input === 'select' || input === 'multiselect' ? (
              <Select mode={input === 'multiselect' ? 'multiple' : undefined} options={choices} />
            ) : input === 'boolean' ? (
              <Select
                options={[
                  { value: 'true', label: e.boolTrue },
                  { value: 'false', label: e.boolFalse },
                ]}
              />
            ) : (
              <Input
                autoComplete="off"
                inputMode={input === 'number' ? 'decimal' : undefined}
                placeholder={input === 'date' ? 'YYYY-MM-DD' : undefined}
              />
            )}
          </Form.Item>
        )}
      </Col>
      <Col xs={24} md={5}>
        <Form.Item label=" " colon={false}>
          <Button onClick={onRemove}>{fmt(e.removeCondition, { n })}</Button>
        </Form.Item>
      </Col>
    </Row>
  );
}
