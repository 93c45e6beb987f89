import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PASSWORD, createTenant, uniqueEmail, uniqueName } from '../support/builders.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { dataOf, errorCodes, graphql } from '../support/graphql.js';

const CREATE = `mutation Create($input: CreateOrganizationInput!) {
  createOrganization(input: $input) {
    token expiresAt
    member { id email role }
    organization { id name slug plan }
  }
}`;

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startGateway();
});

afterAll(async () => {
  await gateway.stop();
});

describe('createOrganization', () => {
  describe('with a fresh name and email', () => {
    it('creates the organization with an OWNER and returns a working token', async () => {
      const name = uniqueName('Acme');
      const email = uniqueEmail();

      const created = dataOf(
        await graphql(gateway.url, CREATE, {
          input: { name: `  ${name} `, email: email.toUpperCase(), password: PASSWORD },
        }),
      );

      const payload = created.createOrganization;
      expect(payload.organization).toMatchObject({
        name,
        plan: 'FREE',
        slug: name.toLowerCase().replace(' ', '-'),
      });
      expect(payload.member).toMatchObject({ email, role: 'OWNER' });
      const viewer = dataOf(
        await graphql(
          gateway.url,
          '{ viewer { id email organization { id } } }',
          {},
          { token: payload.token },
        ),
      );
      expect(viewer.viewer).toEqual({
        id: payload.member.id,
        email,
        organization: { id: payload.organization.id },
      });
    });
  });

  describe('when 20 requests race for one name', () => {
    it('lets exactly one succeed and answers CONFLICT to the 19 others', async () => {
      const name = uniqueName('Race');

      const responses = await Promise.all(
        Array.from({ length: 20 }, () =>
          graphql(gateway.url, CREATE, {
            input: { name, email: uniqueEmail(), password: PASSWORD },
          }),
        ),
      );

      const succeeded = responses.filter((response) => response.body.data?.createOrganization);
      const conflicts = responses.filter((response) => errorCodes(response)[0] === 'CONFLICT');
      expect(succeeded).toHaveLength(1);
      expect(conflicts).toHaveLength(19);
    });
  });

  describe('when the name differs only in case, accents and punctuation', () => {
    it('answers CONFLICT', async () => {
      const tenant = await createTenant(gateway.url, uniqueName('Cafe'));
      const lookalike = `${tenant.name.replace('Cafe', 'CAFÉ')}.`;

      const response = await graphql(gateway.url, CREATE, {
        input: { name: lookalike, email: uniqueEmail(), password: PASSWORD },
      });

      expect(errorCodes(response)).toEqual(['CONFLICT']);
    });
  });
});
