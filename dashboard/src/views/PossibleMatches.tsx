import type { Site } from '../api/types';
import { Card, PageTitle } from '../components/Card';
import { RequireSite } from '../components/RequireSite';
import { RoleGate } from '../components/RoleGate';
import { SoftLinkQueue } from './SoftLinkQueue';

function PossibleMatchesOf({ site }: { site: Site }) {
  return (
    <Card>
      <SoftLinkQueue
        siteId={site.id}
        empty="No possible matches to review"
        emptyHint="Visitors who type one inbox two ways, or share a network and browser within minutes, show up here."
      />
    </Card>
  );
}

export function PossibleMatches() {
  return (
    <>
      <PageTitle title="Possible matches">
        Pairs of visitors that weak signals say may be one person, best first. Nothing is merged until you accept; the
        identity rules still decide, and a rejected pair is not proposed again.
      </PageTitle>
      <RoleGate needs="analyst">
        <RequireSite>{(site) => <PossibleMatchesOf site={site} />}</RequireSite>
      </RoleGate>
    </>
  );
}
