import { Field, ObjectType } from 'type-graphql';

import type { ObjectId } from 'mongodb';

import type { Page } from '../../tenancy/models.js';
import { encodeCursor, type CursorKind } from '../cursor.js';

@ObjectType()
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

/** What a connection resolver returns before its `totalCount` is asked for. */
export interface ConnectionResult<T> {
  nodes: T[];
  pageInfo: PageInfo;
  /** A getter, so the count (a database command of its own) runs only when selected. */
  readonly totalCount: Promise<number>;
}

/** Shapes a store page into a connection, mapping documents to their GraphQL views. */
export function connectionOf<D extends { _id: ObjectId }, T>(
  kind: CursorKind,
  page: Page<D>,
  toView: (document: D) => T,
  count: () => Promise<number>,
): ConnectionResult<T> {
  const last = page.nodes.at(-1);
  return {
    nodes: page.nodes.map(toView),
    pageInfo: {
      hasNextPage: page.hasNextPage,
      endCursor: last ? encodeCursor(kind, last._id) : null,
    },
    get totalCount() {
      return count();
    },
  };
}
