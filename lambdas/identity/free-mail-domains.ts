/**
 * Mailbox providers anyone can sign up with: an address there says nothing about an employer, so
 * no company is made from it.
 */
const FREE_MAIL_DOMAINS: ReadonlySet<string> = new Set([
  'gmail.com',
  'googlemail.com',
  'outlook.com',
  'hotmail.com',
  'hotmail.co.uk',
  'hotmail.fr',
  'hotmail.de',
  'hotmail.it',
  'live.com',
  'live.fr',
  'live.co.uk',
  'msn.com',
  'yahoo.com',
  'yahoo.co.uk',
  'yahoo.fr',
  'yahoo.de',
  'yahoo.co.jp',
  'ymail.com',
  'rocketmail.com',
  'aol.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'proton.me',
  'protonmail.com',
  'pm.me',
  'tutanota.com',
  'tuta.io',
  'gmx.com',
  'gmx.de',
  'gmx.net',
  'gmx.at',
  'web.de',
  't-online.de',
  'freenet.de',
  'mail.com',
  'mail.ru',
  'yandex.ru',
  'yandex.com',
  'qq.com',
  '163.com',
  '126.com',
  'sina.com',
  'naver.com',
  'daum.net',
  'orange.fr',
  'wanadoo.fr',
  'free.fr',
  'laposte.net',
  'sfr.fr',
  'libero.it',
  'virgilio.it',
  'btinternet.com',
  'sky.com',
  'comcast.net',
  'verizon.net',
  'att.net',
  'sbcglobal.net',
  'zoho.com',
  'fastmail.com',
  'hey.com',
  'duck.com',
  'seznam.cz',
  'wp.pl',
  'o2.pl',
  'interia.pl',
  'bol.com.br',
  'uol.com.br',
  'rediffmail.com',
]);

/**
 * Whether a domain is a free mailbox provider.
 *
 * @example
 * isFreeMailDomain('gmail.com'); // true
 * isFreeMailDomain('acme.io');   // false
 */
export function isFreeMailDomain(domain: string): boolean {
  const host = domain.toLowerCase();
  return FREE_MAIL_DOMAINS.has(host) || FREE_MAIL_COUNTRY_DOMAIN.test(host);
}

/**
 * Providers that serve the same mailboxes under many country domains (`hotmail.es`, `yahoo.com.br`,
 * `outlook.de`, `gmx.ch`): any of their country or `co.`/`com.` country domains is a free mailbox too.
 */
const FREE_MAIL_COUNTRY_DOMAIN =
  /^(?:gmail|googlemail|hotmail|outlook|live|msn|yahoo|ymail|aol|gmx|yandex|icloud|protonmail|libero)\.(?:[a-z]{2}|(?:co|com)\.[a-z]{2})$/;

/** The domain of a company as stored: lower-case host without `www.`; `undefined` when not a host name. */
export function companyDomain(value: string): string | undefined {
  const host = value
    .trim()
    .toLowerCase()
    .replace(/^www\./, '')
    .replace(/\.$/, '');
  return /^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(host) ? host : undefined;
}
