/**
 * Autonomous systems of cloud and hosting providers: traffic from them is servers (crawlers,
 * scrapers, monitoring, headless browsers), not people at a keyboard. Kept to networks that
 * sell compute; networks whose addresses also carry consumer traffic are left out on purpose:
 * Cloudflare 13335 (WARP, iCloud Private Relay egress), Akamai 36183 / 20940 and Fastly 54113
 * (Private Relay egress), and VPN-heavy hosters such as M247 9009, so that privacy-conscious
 * humans are not counted as bots.
 */
export const HOSTING_ASNS: ReadonlySet<number> = new Set([
  16509, // Amazon AWS
  14618, // Amazon AWS (us-east-1)
  8987, // Amazon AWS (Ireland)
  396982, // Google Cloud
  15169, // Google (crawlers, Apps Script, Cloud egress); consumer Google Fiber is AS16591
  19527, // Google (Cloud)
  8075, // Microsoft Azure
  14061, // DigitalOcean
  16276, // OVHcloud
  24940, // Hetzner
  213230, // Hetzner Cloud
  63949, // Akamai Connected Cloud (Linode)
  20473, // Vultr (Choopa)
  45102, // Alibaba Cloud (international)
  37963, // Alibaba Cloud (China)
  31898, // Oracle Cloud
  132203, // Tencent Cloud (international)
  45090, // Tencent Cloud (China)
  136907, // Huawei Cloud
  12876, // Scaleway
  51167, // Contabo
  60781, // Leaseweb NL
  16265, // Leaseweb
  36351, // IBM Cloud (SoftLayer)
  8560, // IONOS
]);
