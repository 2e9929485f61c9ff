import { FAILED_PAYLOAD_CHARS, storedFailurePayload } from '../../lambdas/enrichment/failure-payload';

describe('a stored failure payload', () => {
  it('truncates ip, clientIp and client_ip fields at any depth, keeping every other value', () => {
    // Act
    const stored = storedFailurePayload(
      {
        network: 'impact',
        fields: { ip: '203.0.113.77', client_ip: '2001:db8:85a3:8d3::1', note: '203.0.113.77' },
        batch: [{ context: { ip: '::ffff:81.2.69.142' }, event: { clientIp: 'not an address' } }],
      },
      { ipv4PrefixBits: 16 },
    );

    // Assess
    expect(JSON.parse(stored)).toEqual({
      network: 'impact',
      fields: { ip: '203.0.0.0', client_ip: '2001:db8:85a3::', note: '203.0.113.77' },
      batch: [{ context: { ip: '81.2.0.0' }, event: { clientIp: 'not an address' } }],
    });
  });

  it('is cut to 32 KB', () => {
    expect(storedFailurePayload({ text: 'x'.repeat(40_000) })).toHaveLength(FAILED_PAYLOAD_CHARS);
  });
});
