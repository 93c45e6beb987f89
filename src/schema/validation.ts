import { badInput } from '../errors.js';

/** Letters, digits, spaces and - _ . & ' (the contract's organization name alphabet). */
const ORGANIZATION_NAME = /^[\p{L}\p{M}\p{N} \-_.&']+$/u;
/** A plausible address: one @, no spaces, a dot in the domain, no dot at either end of a part. */
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

/** Trims and checks an organization name; returns the display name and its slug. */
export function organizationName(field: string, raw: string): { name: string; slug: string } {
  const name = raw.trim().replace(/\s+/g, ' ');
  if (name.length < 2 || name.length > 64) {
    throw badInput(field, 'An organization name must be 2 to 64 characters long.');
  }
  if (!ORGANIZATION_NAME.test(name)) {
    throw badInput(
      field,
      "An organization name may hold only letters, digits, spaces and - _ . & '.",
    );
  }

  const slug = slugOf(name);
  if (slug.length === 0) throw badInput(field, 'An organization name needs a letter or a digit.');
  return { name, slug };
}

/**
 * The name with case, accents and punctuation taken out: `Ácme Inc.` and `acme-inc` share the
 * slug `acme-inc`. Apostrophes vanish (`O'Hara` is `ohara`); other runs of separators become
 * one dash.
 */
export function slugOf(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/'/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
}

/** Trims, lowercases and checks an email. */
export function email(field: string, raw: string): string {
  const address = raw.trim().toLowerCase();
  const localPart = address.split('@')[0] ?? '';
  if (address.length > 254 || localPart.length > 64 || !EMAIL.test(address)) {
    throw badInput(field, `"${field}" is not a valid email address.`);
  }
  return address;
}

/** Checks a password's length (10 to 256 characters); never trimmed, never echoed. */
export function password(field: string, raw: string): string {
  const length = [...raw].length;
  if (length < 10 || length > 256) {
    throw badInput(field, 'A password must be 10 to 256 characters long.');
  }
  return raw;
}

/** Trims a required text and checks its length. */
export function requiredText(field: string, raw: string, maxLength: number): string {
  const text = raw.trim();
  if (text.length < 1 || text.length > maxLength) {
    throw badInput(field, `"${field}" must be 1 to ${maxLength} characters long.`);
  }
  return text;
}

/** A description: at most 10,000 characters; null clears it. */
export function description(
  field: string,
  raw: string | null | undefined,
): string | null | undefined {
  if (raw === undefined || raw === null) return raw;
  if (raw.length > 10_000)
    throw badInput(field, `"${field}" must be at most 10,000 characters long.`);
  return raw;
}

/** Tags: at most 20, each 1 to 32 characters after trimming, duplicates removed. */
export function tags(
  field: string,
  raw: readonly string[] | null | undefined,
): string[] | undefined {
  if (raw === undefined || raw === null) return undefined;

  const unique = [...new Set(raw.map((tag) => tag.trim()))];
  if (unique.some((tag) => tag.length < 1 || tag.length > 32)) {
    throw badInput(field, 'Each tag must be 1 to 32 characters long.');
  }
  if (unique.length > 20) throw badInput(field, 'A task may have at most 20 tags.');
  return unique;
}

/** A tag used as a filter: trimmed, 1 to 32 characters. */
export function tagFilter(field: string, raw: string | null | undefined): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  return tags(field, [raw])?.[0];
}
