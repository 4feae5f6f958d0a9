import { maskResidentId } from '@lianjian/reference';

// Personal data (个人信息) is masked for roles without personal-data:read (see roles.ts):
// ID numbers 330106********123X, phones 138****5678, people's names 张*三, addresses cut to the
// district (浙江省杭州市西湖区***), and the same identifiers wherever they turn up in free text.
export { maskResidentId };

export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 7) return '*'.repeat(digits.length || phone.length);
  return `${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}`;
}

// A person's name: the first and last characters kept (张三 → 张*, 张小三 → 张*三, 欧阳小明 → 欧**明).
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return '*'.repeat(chars.length);
  if (chars.length === 2) return `${chars[0]}*`;
  return chars[0] + '*'.repeat(chars.length - 2) + chars[chars.length - 1];
}

// The province, city and county-level part of a Chinese address (浙江省杭州市西湖区; 北京市朝阳区;
// 广西壮族自治区南宁市青秀区; 杭州市建德市), then '***'. A '州' directly before '市' belongs to the
// city's name (杭州市), not to an autonomous prefecture. No house numbers in the district part.
const DISTRICT =
  /^(?:[^省]{2,7}省|[^区]{2,10}自治区|[^区]{2,3}特别行政区)?(?:[^市盟]{1,10}?(?:市|自治州|地区|盟|州(?!市)))?[^区县旗市\d号]{1,10}?(?:区|县|旗|市)/u;

export function maskAddress(address: string): string {
  const district = DISTRICT.exec(address.trim());
  // No recognisable district (a street only, or a foreign address): nothing of it is shown.
  return district ? `${district[0]}***` : '***';
}

// Who a free text names: the 2-3 characters after a word for a person (负责人张三 → 负责人张**).
const PERSON_MARKER =
  /(法定代表人|负责人|经营者|当事人|投诉人|举报人|联系人|户主|业主)([:：\s]*)([\u4e00-\u9fff]{2,3})/gu;

// An e-mail address (RFC 5321 lengths: a local part of at most 64, labels of at most 63). It starts
// only where a run of address characters starts and its parts are bounded, so a long run without an
// '@' (100 kB of letters or digits in a refused row) is scanned once: the unbounded form backtracked
// over the rest of the run from every position, 5.7 s for 100 kB.
const EMAIL = /(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}(?![\w-])/g;

// Free text (inspection findings, listing reasons…) may carry identifiers of people: resident ID
// numbers, mobile and landline numbers, e-mail addresses, and names after a word for a person.
// Those are masked in place; the rest of the text stays readable.
export function maskFreeText(text: string): string {
  return text
    .replace(/(?<![\dA-Za-z])(?:\d{17}[\dXx]|\d{15})(?![\dA-Za-z])/g, (id) => maskResidentId(id))
    .replace(/(?<!\d)(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?!\d)/g, (phone) => maskPhone(phone))
    .replace(EMAIL, (mail) => `${mail[0]}***${mail.slice(mail.indexOf('@'))}`)
    .replace(PERSON_MARKER, (_, marker: string, sep: string, name: string) => `${marker}${sep}${name[0]}**`);
}

// Groups whose `name` is a person's (a registration's legalRepresentative, a complaint's contact…),
// and keys that are a person's name by themselves.
const PERSON_GROUP = /legalRep|representative|contact|person|complainant|reporter|owner/i;
const PERSON_NAME_KEY = /^(legalRep|representative|contact|person|complainant|reporter|owner)Name$/i;

// A record's data as a role without personal-data:read sees it: ID numbers and phone numbers
// wherever they are, people's names, addresses cut to the district, and free text with the
// identifiers it carries masked. An entity's own name (a company) is not personal data.
export function maskPersonalData(data: unknown, parentKey = ''): unknown {
  if (Array.isArray(data)) return data.map((v) => maskPersonalData(v, parentKey));
  if (typeof data === 'string') return maskFreeText(data);
  if (data === null || typeof data !== 'object') return data;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data as Record<string, unknown>)) {
    if (typeof v !== 'string') out[k] = maskPersonalData(v, k);
    else if (/^(idNumber|idNo|residentId)$/i.test(k)) out[k] = maskResidentId(v);
    else if (/phone|mobile|tel/i.test(k)) out[k] = maskPhone(v);
    else if (/address$/i.test(k)) out[k] = maskAddress(v);
    else if (PERSON_NAME_KEY.test(k) || (k === 'name' && PERSON_GROUP.test(parentKey))) out[k] = maskName(v);
    else out[k] = maskFreeText(v);
  }
  return out;
}
