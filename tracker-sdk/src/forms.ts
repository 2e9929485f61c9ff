import { attr, auto, cfg } from './config';
import { emit, track } from './emit';
import { consent, ignored } from './privacy';
import { clip, on } from './util';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const NOT_A_FIELD = /^(submit|button|reset|image)$/;

let emailSent = false;

/** The e-mail only travels encrypted: an https endpoint, or a local one in development and tests. */
const secure = (): boolean => /^https:|^http:\/\/(localhost|127\.0\.0\.1)(:|\/|$)/.test(cfg.ep);

/**
 * Opt-in (`data-capture-email="true"`): the first valid e-mail submitted on the page is sent once
 * as `identify` traits. It is never written to storage, not even to the retry queue, and needs
 * analytics consent like any identifier.
 */
const captureEmail = (fields: HTMLInputElement[]): void => {
  if (emailSent || !consent.a || !secure()) return;
  for (const f of fields) {
    if ((f.type === 'email' || /email/i.test(f.name)) && EMAIL.test(f.value)) {
      emailSent = true;
      emit('identify', { uid: undefined, traits: { email: clip(f.value.trim(), 1024) } }, true);
      return;
    }
  }
};

/** `form_submit` with the form's id, name and field names; values are never read (but the opt-in e-mail). */
const submit = (e: Event): void => {
  const form = e.target as HTMLFormElement;
  if (form?.tagName !== 'FORM' || ignored(form)) return;
  const fields = Array.prototype.slice.call(form.elements) as HTMLInputElement[];
  const names: string[] = [];
  for (const f of fields) {
    const name = f.getAttribute('name') || f.id;
    if (name && !NOT_A_FIELD.test(f.type) && names.indexOf(name) < 0 && !ignored(f)) names.push(name);
  }
  // getAttribute: `form.id` is shadowed by a field named "id".
  track('form_submit', {
    form_id: form.getAttribute('id'),
    form_name: form.getAttribute('name'),
    fields: clip(names.join(','), 1024),
  });
  if (attr('capture-email') === 'true') captureEmail(fields);
};

export const init = (): void => {
  if (SL_FEATURES.forms && auto('forms')) on(document, 'submit', submit);
};
