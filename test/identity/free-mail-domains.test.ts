import { companyDomain, isFreeMailDomain } from '../../lambdas/identity/free-mail-domains';

describe('free-mail domains', () => {
  it("makes no company of a mailbox provider's country domains (hotmail.es, yahoo.com.br, outlook.de, gmx.ch)", () => {
    // Prepare
    const providers = ['hotmail.es', 'yahoo.com.br', 'outlook.de', 'gmx.ch', 'live.nl', 'yahoo.it', 'outlook.com.au'];

    // Act
    const free = providers.filter((domain) => isFreeMailDomain(companyDomain(domain) ?? domain));

    // Assess
    expect(free).toEqual(providers);
  });

  it('still makes companies of work domains that merely resemble a provider', () => {
    expect(['acme.io', 'outlooksoftware.com', 'mail.acme.io', 'hotmail-agency.de'].filter(isFreeMailDomain)).toEqual(
      [],
    );
  });
});
