import { envelopeRecords } from '../../lambdas/collection/stream-records';
import { decodeEnvelopes } from '../../lambdas/pipeline/decode-envelopes';
import { kinesisRecord, pageEnvelope } from '../support/stream-envelopes';

const envelope = (id: string) => pageEnvelope(id);

describe('decoding stream envelopes', () => {
  it('reads every envelope of a record written per request', () => {
    // Prepare
    const [record] = envelopeRecords([envelope('a'), envelope('b'), envelope('c')]);

    // Act
    const { events, failures } = decodeEnvelopes([kinesisRecord(record?.data as Uint8Array)], 0);

    // Assess
    expect(events.map((e) => e.event.eventId)).toEqual(['a', 'b', 'c']);
    expect(failures).toEqual([]);
  });

  it('reads a record holding a single envelope, as written before records held arrays', () => {
    // Act
    const { events } = decodeEnvelopes([kinesisRecord(JSON.stringify(envelope('a')))], 0);

    // Assess
    expect(events.map((e) => e.event.eventId)).toEqual(['a']);
  });

  it('turns an unknown value inside an array record into an unknown_version failure, keeping the others', () => {
    // Act
    const { events, failures } = decodeEnvelopes(
      [kinesisRecord(JSON.stringify([envelope('a'), { v: 99, kind: 'event' }]), '7')],
      0,
    );

    // Assess
    expect(events.map((e) => e.event.eventId)).toEqual(['a']);
    expect(failures).toEqual([
      expect.objectContaining({ reason: 'unknown_version', siteId: 'site-1', payload: '{"v":99,"kind":"event"}' }),
    ]);
  });

  it('turns a record that is not JSON, or an empty array, into an unknown_version failure', () => {
    // Act
    const { events, failures } = decodeEnvelopes([kinesisRecord('not json', '1'), kinesisRecord('[]', '2')], 0);

    // Assess
    expect(events).toEqual([]);
    expect(failures.map((f) => [f.reason, f.payload])).toEqual([
      ['unknown_version', 'not json'],
      ['unknown_version', '[]'],
    ]);
  });
});
