/**
 * Traffic sources Sightline recognizes by referrer host or `utm_source`, in the categories of
 * GA4's source lists (search, social, video, shopping, email) plus AI assistants. A domain ending
 * in `.*` is a brand under any country suffix (`google.*` covers google.de and google.co.uk).
 * Android app referrers (`android-app://com.google.android.gm`) are listed by package name.
 * Lists after GA4's source categories, Plausible's referrer list and Snowplow's referer-parser.
 */
export type SourceCategory = 'search' | 'social' | 'video' | 'shopping' | 'email' | 'ai';

export interface KnownSourceDefinition {
  readonly name: string;
  readonly category: SourceCategory;
  readonly domains: readonly string[];
  /** Extra `utm_source` spellings, beyond the name and domains (always compared lower-cased). */
  readonly aliases?: readonly string[];
}

const d = (
  name: string,
  category: SourceCategory,
  domains: readonly string[],
  aliases: readonly string[] = [],
): KnownSourceDefinition => ({ name, category, domains, aliases });

export const KNOWN_SOURCES: readonly KnownSourceDefinition[] = [
  // Email first: their hosts sit under search/portal brands (mail.google.com under google.*).
  d('Gmail', 'email', ['mail.google.com', 'inbox.google.com', 'com.google.android.gm'], ['gmail']),
  d(
    'Outlook',
    'email',
    ['outlook.live.com', 'outlook.office.com', 'outlook.office365.com', 'outlook.com', 'com.microsoft.office.outlook'],
    ['hotmail'],
  ),
  d('Yahoo Mail', 'email', ['mail.yahoo.com', 'mail.yahoo.co.jp', 'com.yahoo.mobile.client.android.mail']),
  d('AOL Mail', 'email', ['mail.aol.com']),
  d('Proton Mail', 'email', ['mail.proton.me', 'mail.protonmail.com'], ['protonmail']),
  d('Yandex Mail', 'email', ['mail.yandex.ru', 'mail.yandex.com']),
  d('Mail.ru', 'email', ['e.mail.ru']),
  d('GMX', 'email', ['gmx.net', 'gmx.de', 'gmx.com', 'gmx.at', 'gmx.ch']),
  d('WEB.DE', 'email', ['web.de']),
  d('iCloud Mail', 'email', ['icloud.com']),
  d('Zoho Mail', 'email', ['mail.zoho.com', 'mail.zoho.eu']),
  d('Fastmail', 'email', ['fastmail.com', 'app.fastmail.com']),
  d('Tuta', 'email', ['mail.tutanota.com', 'app.tuta.com']),
  d('Seznam Email', 'email', ['email.seznam.cz']),
  d('Naver Mail', 'email', ['mail.naver.com']),

  d('Google Shopping', 'shopping', ['shopping.google.com'], ['google shopping']),
  d('Gemini', 'ai', ['gemini.google.com', 'bard.google.com']),
  d('Google', 'search', ['google.*', 'com.google.android.googlequicksearchbox']),
  d('Bing', 'search', ['bing.com'], ['microsoft', 'msn']),
  d('DuckDuckGo', 'search', ['duckduckgo.com', 'ddg.gg'], ['ddg']),
  d('Yahoo!', 'search', ['search.yahoo.com', 'yahoo.*'], ['yahoo']),
  d('Yandex', 'search', ['yandex.*', 'ya.ru']),
  d('Baidu', 'search', ['baidu.com']),
  d('Ecosia', 'search', ['ecosia.org']),
  d('Brave Search', 'search', ['search.brave.com'], ['brave']),
  d('Naver', 'search', ['naver.com']),
  d('Seznam', 'search', ['seznam.cz']),
  d('Qwant', 'search', ['qwant.com']),
  d('Startpage', 'search', ['startpage.com']),
  d('Ask', 'search', ['ask.com']),
  d('AOL', 'search', ['search.aol.com', 'aol.com']),
  d('Sogou', 'search', ['sogou.com']),
  d('360 Search', 'search', ['so.com']),
  d('Daum', 'search', ['daum.net']),
  d('Kagi', 'search', ['kagi.com']),
  d('Mojeek', 'search', ['mojeek.com']),
  d('Coc Coc', 'search', ['coccoc.com']),
  d('Petal Search', 'search', ['petalsearch.com']),
  d('Mail.ru Search', 'search', ['go.mail.ru']),

  d('ChatGPT', 'ai', ['chatgpt.com', 'chat.openai.com'], ['openai']),
  d('Perplexity', 'ai', ['perplexity.ai']),
  d('Claude', 'ai', ['claude.ai']),
  d('Copilot', 'ai', ['copilot.microsoft.com']),

  d('Facebook', 'social', ['facebook.com', 'fb.com', 'fb.me', 'messenger.com', 'com.facebook.katana'], ['fb', 'meta']),
  d('Instagram', 'social', ['instagram.com', 'com.instagram.android'], ['ig']),
  d('X', 'social', ['x.com', 'twitter.com', 't.co', 'com.twitter.android'], ['twitter']),
  d('LinkedIn', 'social', ['linkedin.com', 'lnkd.in', 'com.linkedin.android']),
  d('Reddit', 'social', ['reddit.com', 'redd.it', 'com.reddit.frontpage']),
  d('Pinterest', 'social', ['pinterest.*', 'pin.it', 'com.pinterest']),
  d('TikTok', 'social', ['tiktok.com', 'com.zhiliaoapp.musically']),
  d('Snapchat', 'social', ['snapchat.com']),
  d('WhatsApp', 'social', ['whatsapp.com', 'wa.me', 'com.whatsapp']),
  d('Telegram', 'social', ['telegram.org', 't.me', 'org.telegram.messenger']),
  d('Threads', 'social', ['threads.net', 'threads.com']),
  d('Bluesky', 'social', ['bsky.app', 'bsky.social']),
  d('Mastodon', 'social', [
    'mastodon.social',
    'mastodon.online',
    'mstdn.social',
    'fosstodon.org',
    'hachyderm.io',
    'infosec.exchange',
  ]),
  d('Quora', 'social', ['quora.com']),
  d('VK', 'social', ['vk.com', 'vk.ru'], ['vkontakte']),
  d('Odnoklassniki', 'social', ['ok.ru']),
  d('Tumblr', 'social', ['tumblr.com']),
  d('Discord', 'social', ['discord.com', 'discord.gg', 'discordapp.com']),
  d('Slack', 'social', ['slack.com', 'com.slack']),
  d('Hacker News', 'social', ['news.ycombinator.com'], ['hn', 'hackernews']),
  d('Weibo', 'social', ['weibo.com', 'weibo.cn']),
  d('LINE', 'social', ['line.me']),
  d('XING', 'social', ['xing.com']),
  d('Medium', 'social', ['medium.com']),
  d('Nextdoor', 'social', ['nextdoor.com']),
  d('Flipboard', 'social', ['flipboard.com']),

  d('YouTube', 'video', ['youtube.com', 'youtu.be', 'com.google.android.youtube'], ['yt']),
  d('Vimeo', 'video', ['vimeo.com']),
  d('Twitch', 'video', ['twitch.tv']),
  d('Dailymotion', 'video', ['dailymotion.com']),
  d('Bilibili', 'video', ['bilibili.com']),

  d('Amazon', 'shopping', ['amazon.*']),
  d('eBay', 'shopping', ['ebay.*']),
  d('Etsy', 'shopping', ['etsy.com']),
  d('Walmart', 'shopping', ['walmart.com']),
  d('AliExpress', 'shopping', ['aliexpress.com', 'aliexpress.us']),
  d('Mercado Libre', 'shopping', ['mercadolibre.*', 'mercadolivre.com.br']),
  d('Idealo', 'shopping', ['idealo.*']),
  d('Target', 'shopping', ['target.com']),
  d('Shopify', 'shopping', ['shop.app', 'shopify.com']),
];
