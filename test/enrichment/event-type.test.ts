import { eventTypeOf } from '../../lambdas/enrichment/event-type';

describe('event type of a lake row', () => {
  it.each([
    ['outbound_click', 'click'],
    ['download', 'click'],
    ['affiliate_click', 'click'],
    ['form_submit', 'form'],
    ['scroll_depth', 'scroll'],
    ['video_progress', 'video'],
    ['page_engagement', 'engagement'],
    ['Signed Up', 'track'],
  ])('files a tracker track event named %s as %s', (name, expected) => {
    expect(eventTypeOf({ type: 'track', name }, 'tracker')).toBe(expected);
  });

  it('keeps a Segment track event named like a capture as track', () => {
    expect(eventTypeOf({ type: 'track', name: 'download' }, 'segment')).toBe('track');
  });

  it('keeps non-track types as sent', () => {
    expect(eventTypeOf({ type: 'identify' }, 'tracker')).toBe('identify');
    expect(eventTypeOf({ type: 'screen', name: 'Home' }, 'segment')).toBe('screen');
  });
});
