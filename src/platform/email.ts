/**
 * Why `value` is not a usable e-mail address, in the words of python's
 * email-validator (which pydantic's EmailStr uses), or null when it is fine.
 * Deliberately syntax-only: no DNS.
 */
export function emailProblem(value: string): string | null {
  const at = value.lastIndexOf('@');
  if (at < 0) return 'An email address must have an @-sign.';
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (local.length === 0) return 'There must be something before the @-sign.';
  if (domain.length === 0) return 'There must be something after the @-sign.';
  const badLocal = /[^A-Za-z0-9.!#$%&'*+/=?^_`{|}~\-\u0080-\uFFFF]/u.exec(local);
  if (badLocal) return `The email address contains invalid characters before the @-sign: '${badLocal[0]}'.`;
  if (local.startsWith('.')) return 'An email address cannot start with a period.';
  if (local.endsWith('.')) return 'An email address cannot have a period immediately before the @-sign.';
  if (local.includes('..')) return 'An email address cannot have two periods in a row.';
  if (local.length > 64) return 'The email address is too long before the @-sign.';
  const badDomain = /[^A-Za-z0-9.\-\u0080-\uFFFF]/u.exec(domain);
  if (badDomain) return `The part after the @-sign contains invalid characters: '${badDomain[0]}'.`;
  if (!domain.includes('.')) return 'The part after the @-sign is not valid. It should have a period.';
  if (domain.startsWith('.') || domain.endsWith('.') || domain.includes('..')) {
    return 'An email address cannot have a period immediately after the @-sign, at the end, or two in a row.';
  }
  if (domain.split('.').some((label) => label.startsWith('-') || label.endsWith('-'))) {
    return 'An email address cannot have a hyphen at the start or end of a domain label.';
  }
  if (/^[0-9]+$/.test(domain.slice(domain.lastIndexOf('.') + 1))) {
    return 'The part after the @-sign is not valid. It is not within a valid top-level domain.';
  }
  if (value.length > 254) return 'The email address is too long.';
  return null;
}
