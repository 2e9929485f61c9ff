import { classifyReferrer } from '../../lambdas/enrichment/referrer';
import { registrableDomain } from '../../lambdas/enrichment/registrable-domain';

const PAGE = 'https://www.example.com/pricing';

describe('classifyReferrer', () => {
  it.each([
    ['https://www.google.com/', 'search', 'Google'],
    ['https://www.google.co.uk/search?q=x', 'search', 'Google'],
    ['https://www.bing.com/search?q=x', 'search', 'Bing'],
    ['https://duckduckgo.com/', 'search', 'DuckDuckGo'],
    ['https://yandex.ru/search/', 'search', 'Yandex'],
    ['https://www.baidu.com/link?url=x', 'search', 'Baidu'],
    ['https://www.ecosia.org/', 'search', 'Ecosia'],
    ['https://search.brave.com/', 'search', 'Brave Search'],
    ['https://search.naver.com/', 'search', 'Naver'],
    ['https://www.seznam.cz/', 'search', 'Seznam'],
    ['https://www.startpage.com/', 'search', 'Startpage'],
    ['android-app://com.google.android.googlequicksearchbox/', 'search', 'Google'],
    ['https://l.facebook.com/l.php?u=x', 'social', 'Facebook'],
    ['https://www.instagram.com/', 'social', 'Instagram'],
    ['https://t.co/abc', 'social', 'X'],
    ['https://x.com/someone', 'social', 'X'],
    ['https://www.linkedin.com/feed/', 'social', 'LinkedIn'],
    ['https://lnkd.in/abc', 'social', 'LinkedIn'],
    ['https://old.reddit.com/r/x', 'social', 'Reddit'],
    ['https://www.youtube.com/watch?v=x', 'social', 'YouTube'],
    ['https://www.tiktok.com/', 'social', 'TikTok'],
    ['https://web.telegram.org/', 'social', 'Telegram'],
    ['https://www.threads.net/', 'social', 'Threads'],
    ['https://bsky.app/profile/x', 'social', 'Bluesky'],
    ['https://fosstodon.org/@x', 'social', 'Mastodon'],
    ['https://mastodon.example.org/@x', 'social', 'Mastodon'],
    ['https://www.quora.com/', 'social', 'Quora'],
    ['https://vk.com/', 'social', 'VK'],
    ['https://mail.google.com/mail/u/0/', 'email', 'Gmail'],
    ['android-app://com.google.android.gm/', 'email', 'Gmail'],
    ['https://outlook.live.com/mail/0/', 'email', 'Outlook'],
    ['https://mail.yahoo.com/d/folders/1', 'email', 'Yahoo Mail'],
    ['https://webmail.my-isp.net/', 'email', 'Webmail'],
    ['https://www.amazon.de/dp/x', 'other', 'Amazon'],
    ['https://chatgpt.com/', 'other', 'ChatGPT'],
    ['https://blog.partner.org/post', 'other', null],
  ])('classifies %s as %s (%s)', (referrer, type, source) => {
    // Act
    const info = classifyReferrer({ referrer, pageUrl: PAGE });

    // Assess
    expect(info.type).toBe(type);
    expect(info.source).toBe(source);
  });

  it('returns the lower-cased referrer host', () => {
    expect(classifyReferrer({ referrer: 'https://WWW.Google.COM/', pageUrl: PAGE }).host).toBe('www.google.com');
  });

  it('classifies a visit without a referrer as direct', () => {
    expect(classifyReferrer({ referrer: '', pageUrl: PAGE })).toEqual({
      host: null,
      type: 'direct',
      source: null,
      category: null,
    });
  });

  it.each([
    ['the same host', 'https://www.example.com/'],
    ['a subdomain of the same site', 'https://blog.example.com/post'],
    ['the bare domain', 'https://example.com/'],
  ])('classifies a referrer on %s as internal', (_name, referrer) => {
    expect(classifyReferrer({ referrer, pageUrl: PAGE }).type).toBe('internal');
  });

  it('does not treat another site on a shared hosting suffix as internal', () => {
    expect(classifyReferrer({ referrer: 'https://alice.github.io/', pageUrl: 'https://bob.github.io/' }).type).toBe(
      'other',
    );
  });

  it('classifies a paid landing as paid while still naming the referring source', () => {
    expect(classifyReferrer({ referrer: 'https://www.google.com/', pageUrl: PAGE, paid: true })).toMatchObject({
      type: 'paid',
      source: 'Google',
    });
  });

  it('classifies an unparsable referrer as other without a host', () => {
    expect(classifyReferrer({ referrer: 'not a url', pageUrl: PAGE })).toMatchObject({ type: 'other', host: null });
  });
});

describe('registrableDomain', () => {
  it.each([
    ['www.example.com', 'example.com'],
    ['shop.example.co.uk', 'example.co.uk'],
    ['a.b.example.com.au', 'example.com.au'],
    ['alice.github.io', 'alice.github.io'],
    ['example.co', 'example.co'],
    ['localhost', 'localhost'],
    ['203.0.113.9', '203.0.113.9'],
  ])('gives %s as %s', (host, expected) => {
    expect(registrableDomain(host)).toBe(expected);
  });
});
