import { maskResidentId } from '@lianjian/reference';

// Personal data of legal representatives (ID numbers, phone numbers) is masked for roles that do not
// need it: 330106********123X, 138****5678.
export { maskResidentId };

export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 7) return '*'.repeat(digits.length || phone.length);
  return `${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}`;
}
